// Pure: the 4-point floor calibration. The user clicks the corners of a floor rectangle in
// the image (in order around it, starting at the near-left corner) and types its real size.
export function floorPointsFor(widthMetres, depthMetres) {
  if (!(widthMetres > 0 && depthMetres > 0)) throw new Error('Give the floor width and depth in metres (above 0).');
  if (widthMetres > 500 || depthMetres > 500) throw new Error('Floor sizes are limited to 500 m.');
  // near-left, near-right, far-right, far-left: far is at y = 0 on the plan (top of the view).
  return [[0, depthMetres], [widthMetres, depthMetres], [widthMetres, 0], [0, 0]];
}

export function validateImagePoints(points) {
  if (!Array.isArray(points) || points.length !== 4) throw new Error('Click exactly 4 floor corners.');
  // Reject self-crossing orders: the quadrilateral must be convex with a consistent turn.
  let sign = 0;
  for (let i = 0; i < 4; i += 1) {
    const [ax, ay] = points[i];
    const [bx, by] = points[(i + 1) % 4];
    const [cx, cy] = points[(i + 2) % 4];
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (Math.abs(cross) < 1e-6) throw new Error('Three of the corners lie on one line; click the four corners of a floor rectangle.');
    if (sign && Math.sign(cross) !== sign) throw new Error('The corners cross over; click them in order around the rectangle.');
    sign = Math.sign(cross);
  }
  return points.map(([x, y]) => [x, y]);
}
