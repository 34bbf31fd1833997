// Drawing colours of tracks.
/** A stable, distinct colour per track id (golden-angle hues). */
export function trackColor(trackId) {
  const hue = (trackId * 137.508) % 360;
  return `hsl(${hue.toFixed(0)} 75% 50%)`;
}
