import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearAssignment } from '../../frontend/js/tracker/assignment.js';
import { seededRandom } from '../../tools/seeded_random.mjs';


/** Best total over every partial assignment; an unmatched row or column costs limit/2. */
function bruteForce(cost, rows, columns, limit) {
  let best = Infinity;
  const usedColumns = new Array(columns).fill(false);
  const walk = (row, total) => {
    if (total >= best) return;
    if (row === rows) {
      const freeColumns = usedColumns.filter((used) => !used).length;
      best = Math.min(best, total + freeColumns * limit / 2);
      return;
    }
    walk(row + 1, total + limit / 2);
    for (let j = 0; j < columns; j += 1) {
      const value = cost[row * columns + j];
      if (usedColumns[j] || value > limit) continue;
      usedColumns[j] = true;
      walk(row + 1, total + value);
      usedColumns[j] = false;
    }
  };
  walk(0, 0);
  return best;
}

function totalOf(result, cost, rows, columns, limit) {
  const matched = result.matches.reduce((sum, [i, j]) => sum + cost[i * columns + j], 0);
  return matched + (result.unmatchedRows.length + result.unmatchedColumns.length) * limit / 2;
}

test('matches brute force on random matrices with a cost limit', () => {
  const random = seededRandom(42);
  for (let trial = 0; trial < 300; trial += 1) {
    const rows = 1 + Math.floor(random() * 6);
    const columns = 1 + Math.floor(random() * 6);
    const limit = [0.3, 0.5, 0.8, 1.5][trial % 4];
    const cost = Float64Array.from({ length: rows * columns }, () => random());
    const result = linearAssignment(cost, rows, columns, limit);
    const expected = bruteForce(cost, rows, columns, limit);
    assert.ok(Math.abs(totalOf(result, cost, rows, columns, limit) - expected) < 1e-9,
      `trial ${trial}: ${rows}x${columns} limit ${limit}`);
    for (const [i, j] of result.matches) assert.ok(cost[i * columns + j] <= limit);
    assert.equal(result.matches.length + result.unmatchedRows.length, rows);
    assert.equal(result.matches.length + result.unmatchedColumns.length, columns);
  }
});

test('without a limit every row of a square matrix is matched optimally', () => {
  const cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
  const { matches } = linearAssignment(cost, 3, 3);
  const total = matches.reduce((sum, [i, j]) => sum + cost[i * 3 + j], 0);
  assert.equal(matches.length, 3);
  assert.equal(total, 5);
});

const emptyCases = [
  { rows: 0, columns: 3, unmatchedRows: [], unmatchedColumns: [0, 1, 2] },
  { rows: 2, columns: 0, unmatchedRows: [0, 1], unmatchedColumns: [] },
];
for (const { rows, columns, unmatchedRows, unmatchedColumns } of emptyCases) {
  test(`empty ${rows}x${columns} matrix leaves everything unmatched`, () => {
    const result = linearAssignment(new Float64Array(0), rows, columns, 0.8);
    assert.deepEqual(result, { matches: [], unmatchedRows, unmatchedColumns });
  });
}

test('pairs above the limit are never matched', () => {
  const result = linearAssignment([0.9, 0.95], 1, 2, 0.8);
  assert.deepEqual(result.matches, []);
  assert.deepEqual(result.unmatchedColumns, [0, 1]);
});

test('Infinity and NaN costs are never matched and do not stall the solver', () => {
  const cost = [Infinity, 0.2, Number.NaN, Infinity];
  const limited = linearAssignment(cost, 2, 2, 0.8);
  assert.deepEqual(limited.matches, [[0, 1]]);
  const unlimited = linearAssignment(cost, 2, 2);
  assert.equal(unlimited.matches.length, 2);
  assert.deepEqual(unlimited.matches.find(([i]) => i === 0), [0, 1]);
});
