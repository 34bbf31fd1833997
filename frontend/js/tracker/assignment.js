/**
 * Minimum-cost linear assignment with a cost limit, the operation ByteTrack needs.
 *
 * Why not an npm package: the maintained candidates (munkres 2.x, munkres-js, hungarian-on3)
 * solve the plain problem only, and a bare-specifier import would need an import map in every
 * page; the problem here is tiny (tens of tracks), so a self-contained O(n^3) solver is simpler.
 *
 * Semantics follow `lap.lapjv(cost, extend_cost=True, cost_limit=L)` as used by ByteTrack:
 * the matrix is extended to (n+m)x(n+m) so that leaving a row and a column unmatched costs
 * L/2 each; a pair whose cost exceeds L is therefore never chosen, and the result is the
 * optimum over all partial assignments using only pairs with cost <= L.
 */

/**
 * Hungarian algorithm with potentials (shortest augmenting paths), square n x n.
 * @param {Float64Array} cost  row-major n*n
 * @returns {Int32Array} column assigned to each row
 */
export function solveSquareAssignment(cost, n) {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfColumn = new Int32Array(n + 1); // 1-based; 0 = free
  const way = new Int32Array(n + 1);
  const minSlack = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row += 1) {
    rowOfColumn[0] = row;
    let column0 = 0;
    minSlack.fill(Infinity);
    used.fill(0);
    do {
      used[column0] = 1;
      const row0 = rowOfColumn[column0];
      let delta = Infinity;
      let column1 = 0;
      for (let column = 1; column <= n; column += 1) {
        if (used[column]) continue;
        const reduced = cost[(row0 - 1) * n + (column - 1)] - u[row0] - v[column];
        if (reduced < minSlack[column]) {
          minSlack[column] = reduced;
          way[column] = column0;
        }
        if (minSlack[column] < delta) {
          delta = minSlack[column];
          column1 = column;
        }
      }
      for (let column = 0; column <= n; column += 1) {
        if (used[column]) {
          u[rowOfColumn[column]] += delta;
          v[column] -= delta;
        } else {
          minSlack[column] -= delta;
        }
      }
      column0 = column1;
    } while (rowOfColumn[column0] !== 0);
    do {
      const column1 = way[column0];
      rowOfColumn[column0] = rowOfColumn[column1];
      column0 = column1;
    } while (column0 !== 0);
  }
  const columnOfRow = new Int32Array(n);
  for (let column = 1; column <= n; column += 1) columnOfRow[rowOfColumn[column] - 1] = column - 1;
  return columnOfRow;
}

/**
 * @param {ArrayLike<number>} cost  row-major rows*columns
 * @param {number} rows
 * @param {number} columns
 * @param {number} costLimit  pairs costing more are never matched (Infinity: no limit)
 * @returns {{ matches: Array<[number, number]>, unmatchedRows: number[], unmatchedColumns: number[] }}
 */
export function linearAssignment(cost, rows, columns, costLimit = Infinity) {
  if (rows === 0 || columns === 0) {
    return {
      matches: [],
      unmatchedRows: Array.from({ length: rows }, (_, i) => i),
      unmatchedColumns: Array.from({ length: columns }, (_, j) => j),
    };
  }
  const limited = Number.isFinite(costLimit);
  const size = limited ? rows + columns : Math.max(rows, columns);
  const square = new Float64Array(size * size);
  const filler = limited ? costLimit / 2 : 0;
  // Pairs above the limit can never be chosen, so clamping them keeps the optimum and keeps
  // Infinity/NaN (which would stall the augmenting paths) out of the solver.
  const ceiling = limited ? costLimit + 1 : 1e12;
  const entry = (value) => (value <= ceiling ? value : ceiling);
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j < size; j += 1) {
      let value;
      if (i < rows && j < columns) value = entry(cost[i * columns + j]);
      else if (limited && i >= rows && j >= columns) value = 0;
      else value = filler;
      square[i * size + j] = value;
    }
  }
  const columnOfRow = solveSquareAssignment(square, size);
  const matches = [];
  const rowMatched = new Uint8Array(rows);
  const columnMatched = new Uint8Array(columns);
  for (let i = 0; i < rows; i += 1) {
    const j = columnOfRow[i];
    if (j < columns && (!limited || cost[i * columns + j] <= costLimit)) {
      matches.push([i, j]);
      rowMatched[i] = 1;
      columnMatched[j] = 1;
    }
  }
  const unmatchedRows = [];
  const unmatchedColumns = [];
  for (let i = 0; i < rows; i += 1) if (!rowMatched[i]) unmatchedRows.push(i);
  for (let j = 0; j < columns; j += 1) if (!columnMatched[j]) unmatchedColumns.push(j);
  return { matches, unmatchedRows, unmatchedColumns };
}
