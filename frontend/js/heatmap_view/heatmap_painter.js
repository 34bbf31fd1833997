// Paints heatmap grids on canvases: a colour ramp (transparent -> blue -> yellow -> red),
// scaled up smoothly onto the frame or onto the bird's-eye floor plan.

function ramp(t) {
  const stops = [[0, [37, 99, 235]], [0.45, [16, 185, 129]], [0.7, [250, 204, 21]], [1, [220, 38, 38]]];
  for (let i = 1; i < stops.length; i += 1) {
    if (t <= stops[i][0]) {
      const [t0, c0] = stops[i - 1];
      const [t1, c1] = stops[i];
      const f = (t - t0) / (t1 - t0);
      return c0.map((c, k) => Math.round(c + (c1[k] - c) * f));
    }
  }
  return stops.at(-1)[1];
}

/** The grid as a small ImageData-backed canvas, one pixel per cell. */
export function gridToCanvas(snapshot, canvas = document.createElement('canvas')) {
  canvas.width = snapshot.columns;
  canvas.height = snapshot.rows;
  const context = canvas.getContext('2d');
  const image = context.createImageData(snapshot.columns, snapshot.rows);
  const max = snapshot.max || 1;
  snapshot.values.forEach((value, index) => {
    if (value <= 0) return;
    // A gamma below 1 so places visited once still show next to where people linger.
    const t = (value / max) ** 0.4;
    const [r, g, b] = ramp(t);
    image.data.set([r, g, b, Math.round(110 + 145 * t)], index * 4);
  });
  context.putImageData(image, 0, 0);
  return canvas;
}

export function paintImageHeatmap(context, snapshot, { opacity = 0.6, scratch } = {}) {
  if (!snapshot || !snapshot.max) return;
  const grid = gridToCanvas(snapshot, scratch);
  context.save();
  context.globalAlpha = opacity;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(grid, 0, 0, snapshot.columns * snapshot.cellSize, snapshot.rows * snapshot.cellSize);
  context.restore();
}

/** Bird's-eye view: the floor grid with a metre grid and the scale written on it. */
export function paintFloorHeatmap(canvas, snapshot, { widthMetres, depthMetres, scratch }) {
  const context = canvas.getContext('2d');
  const pixelsPerMetre = Math.min(canvas.width / widthMetres, canvas.height / depthMetres);
  const width = widthMetres * pixelsPerMetre;
  const height = depthMetres * pixelsPerMetre;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#f8fafc';
  context.fillRect(0, 0, width, height);
  if (snapshot && snapshot.max) {
    const grid = gridToCanvas(snapshot, scratch);
    context.imageSmoothingEnabled = true;
    context.drawImage(grid, 0, 0, snapshot.columns * snapshot.cellSize * pixelsPerMetre, snapshot.rows * snapshot.cellSize * pixelsPerMetre);
  }
  context.strokeStyle = 'rgba(15, 23, 42, .15)';
  context.lineWidth = 1;
  for (let x = 0; x <= widthMetres + 1e-6; x += 1) {
    context.beginPath(); context.moveTo(x * pixelsPerMetre, 0); context.lineTo(x * pixelsPerMetre, height); context.stroke();
  }
  for (let y = 0; y <= depthMetres + 1e-6; y += 1) {
    context.beginPath(); context.moveTo(0, y * pixelsPerMetre); context.lineTo(width, y * pixelsPerMetre); context.stroke();
  }
  context.strokeStyle = '#0f766e';
  context.lineWidth = 2;
  context.strokeRect(1, 1, width - 2, height - 2);
  context.fillStyle = '#334155';
  context.font = '12px system-ui, sans-serif';
  context.fillText(`${widthMetres} m × ${depthMetres} m · grid 1 m`, 8, height - 8);
}
