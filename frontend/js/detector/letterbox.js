// Letterbox pre-processing (pure): fit a frame (or a region of it) into the model's square
// input keeping its aspect ratio, pad with grey, and fill a planar RGB float tensor.
// tools/detector_reference.py mirrors this arithmetic operation for operation, so the
// browser and onnxruntime-Python see bit-identical tensors for the same pixels.

export const PAD_VALUE = 114;

/**
 * Where a width x height image (or region) lands inside a size x size model input.
 * Returns { scale, scaleX, scaleY, newWidth, newHeight, padLeft, padTop }:
 * scale is the uniform gain, scaleX/scaleY the exact per-axis gains after rounding.
 */
export function letterboxParams(width, height, size, { allowUpscale = true } = {}) {
  if (!(width > 0 && height > 0)) throw new RangeError(`image size must be positive, got ${width}x${height}`);
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`input size must be a positive integer, got ${size}`);
  let scale = Math.min(size / width, size / height);
  if (!allowUpscale) scale = Math.min(scale, 1);
  const newWidth = Math.max(1, Math.min(size, Math.round(width * scale)));
  const newHeight = Math.max(1, Math.min(size, Math.round(height * scale)));
  const padLeft = Math.max(0, Math.round((size - newWidth) / 2 - 0.1));
  const padTop = Math.max(0, Math.round((size - newHeight) / 2 - 0.1));
  return { scale, scaleX: newWidth / width, scaleY: newHeight / height, newWidth, newHeight, padLeft, padTop };
}

/** Source coordinates and weights of bilinear sampling (half-pixel centres, edge clamp). */
function samplingTable(sourceLength, targetLength, sourceOffset) {
  const index0 = new Int32Array(targetLength);
  const index1 = new Int32Array(targetLength);
  const weight = new Float64Array(targetLength);
  const ratio = sourceLength / targetLength;
  for (let target = 0; target < targetLength; target++) {
    let position = (target + 0.5) * ratio - 0.5;
    if (position < 0) position = 0;
    let first = Math.floor(position);
    if (first > sourceLength - 1) first = sourceLength - 1;
    let fraction = position - first;
    const second = first + 1 <= sourceLength - 1 ? first + 1 : sourceLength - 1;
    if (first === sourceLength - 1) fraction = 0;
    index0[target] = first + sourceOffset;
    index1[target] = second + sourceOffset;
    weight[target] = fraction;
  }
  return { index0, index1, weight };
}

export const TENSOR_LAYOUTS = Object.freeze(['nchw', 'nhwc']);

/**
 * Letterbox an RGBA frame (Uint8Array/Uint8ClampedArray, row-major, 4 bytes a pixel) into
 * `output` (Float32Array(3*size*size), values 0..1): RGB planes (`layout` 'nchw', the
 * default, onnxruntime) or interleaved RGB pixels ('nhwc', LiteRT); the same values either way.
 * `region` ({x,y,width,height}, integers) selects a crop of the frame; default the whole
 * frame. options: { allowUpscale, layout }. Returns the letterbox params.
 */
export function letterboxRgba(rgba, frameWidth, frameHeight, size, output, region = null, options = {}) {
  const { layout = 'nchw', ...paramOptions } = options;
  if (!TENSOR_LAYOUTS.includes(layout)) throw new TypeError(`layout must be one of ${TENSOR_LAYOUTS.join(', ')}, got ${layout}`);
  const crop = normaliseRegion(region, frameWidth, frameHeight);
  if (rgba.length < frameWidth * frameHeight * 4) {
    throw new RangeError(`RGBA buffer holds ${rgba.length} bytes, a ${frameWidth}x${frameHeight} frame needs ${frameWidth * frameHeight * 4}`);
  }
  const plane = size * size;
  if (!output || output.length !== 3 * plane) throw new RangeError(`output must be a Float32Array(${3 * plane})`);
  const params = letterboxParams(crop.width, crop.height, size, paramOptions);
  // Element of (channel, pixel): planes for NCHW, pixel-interleaved for NHWC.
  const channelStride = layout === 'nchw' ? plane : 1;
  const pixelStride = layout === 'nchw' ? 1 : 3;
  output.fill(PAD_VALUE / 255);
  const columns = samplingTable(crop.width, params.newWidth, crop.x);
  const rows = samplingTable(crop.height, params.newHeight, crop.y);
  const stride = frameWidth * 4;
  for (let row = 0; row < params.newHeight; row++) {
    const top = rows.index0[row] * stride;
    const bottom = rows.index1[row] * stride;
    const fy = rows.weight[row];
    const outRow = (row + params.padTop) * size + params.padLeft;
    for (let column = 0; column < params.newWidth; column++) {
      const left = columns.index0[column] * 4;
      const right = columns.index1[column] * 4;
      const fx = columns.weight[column];
      const out = outRow + column;
      for (let channel = 0; channel < 3; channel++) {
        const upper = rgba[top + left + channel] * (1 - fx) + rgba[top + right + channel] * fx;
        const lower = rgba[bottom + left + channel] * (1 - fx) + rgba[bottom + right + channel] * fx;
        output[channel * channelStride + out * pixelStride] = (upper * (1 - fy) + lower * fy) / 255;
      }
    }
  }
  return params;
}

/** A region clipped to the frame with integer bounds; null means the whole frame. */
export function normaliseRegion(region, frameWidth, frameHeight) {
  if (region == null) return { x: 0, y: 0, width: frameWidth, height: frameHeight };
  for (const key of ['x', 'y', 'width', 'height']) {
    if (!Number.isFinite(region[key])) throw new TypeError(`region.${key} must be a finite number`);
  }
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(frameWidth, Math.ceil(region.x + region.width));
  const y1 = Math.min(frameHeight, Math.ceil(region.y + region.height));
  if (x1 - x0 < 2 || y1 - y0 < 2) {
    throw new RangeError(`region ${JSON.stringify(region)} lies outside the ${frameWidth}x${frameHeight} frame or is too small`);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
