import { test } from 'node:test';
import assert from 'node:assert/strict';
import { letterboxParams, letterboxRgba, normaliseRegion, PAD_VALUE } from '../../frontend/js/detector/letterbox.js';

const PAD = PAD_VALUE / 255;

test('letterboxParams places the image centred in the square input', async (t) => {
  const cases = [
    { name: 'VGA at 640', args: [640, 480, 640], want: { newWidth: 640, newHeight: 480, padLeft: 0, padTop: 80, scale: 1 } },
    { name: 'VGA at 320', args: [640, 480, 320], want: { newWidth: 320, newHeight: 240, padLeft: 0, padTop: 40, scale: 0.5 } },
    { name: 'portrait bus.jpg at 640', args: [810, 1080, 640], want: { newWidth: 480, newHeight: 640, padLeft: 80, padTop: 0 } },
    { name: 'rounded height, odd padding goes to the bottom', args: [32, 21, 32], want: { newWidth: 32, newHeight: 21, padLeft: 0, padTop: 5 } },
    { name: 'small image is scaled up', args: [10, 5, 32], want: { newWidth: 32, newHeight: 16, padLeft: 0, padTop: 8, scale: 3.2 } },
    { name: 'no upscale when disallowed', args: [100, 50, 640, { allowUpscale: false }], want: { newWidth: 100, newHeight: 50, padLeft: 270, padTop: 295, scale: 1 } },
  ];
  for (const { name, args, want } of cases) {
    await t.test(name, () => {
      const got = letterboxParams(...args);
      for (const [key, value] of Object.entries(want)) assert.equal(got[key], value, `${key}`);
      assert.equal(got.scaleX, got.newWidth / args[0]);
      assert.equal(got.scaleY, got.newHeight / args[1]);
    });
  }
});

test('letterboxParams rejects impossible sizes', () => {
  assert.throws(() => letterboxParams(0, 10, 32), RangeError);
  assert.throws(() => letterboxParams(10, 10, 0), RangeError);
  assert.throws(() => letterboxParams(10, 10, 31.5), RangeError);
});

/** RGBA frame whose red channel is `values` (row-major), green = red + 1, blue = red + 2. */
function frame(width, height, values) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  values.forEach((value, index) => { rgba.set([value, value + 1, value + 2, 255], index * 4); });
  return rgba;
}

function plane(tensor, size, channel) {
  return Array.from(tensor.subarray(channel * size * size, (channel + 1) * size * size));
}

const close = (got, want) => got.forEach((value, index) => assert.ok(Math.abs(value - want[index]) < 1e-6, `at ${index}: ${value} vs ${want[index]}`));

test('letterboxRgba fills planar RGB in 0..1 with grey padding', async (t) => {
  const cases = [
    { name: 'same size copies pixels', width: 2, height: 2, values: [0, 50, 100, 250], size: 2, region: null,
      red: [0, 50, 100, 250].map((value) => value / 255) },
    { name: 'halving averages pixel pairs, pads the rest', width: 4, height: 2, values: [0, 10, 20, 40, 100, 110, 120, 140], size: 2, region: null,
      red: [55 / 255, 80 / 255, PAD, PAD] },
    { name: 'upscaling interpolates with half-pixel centres', width: 2, height: 1, values: [0, 100], size: 4, region: null,
      red: [PAD, PAD, PAD, PAD, 0, 25 / 255, 75 / 255, 100 / 255, 0, 25 / 255, 75 / 255, 100 / 255, PAD, PAD, PAD, PAD] },
    { name: 'a region is cropped before scaling', width: 4, height: 4, values: [...Array(16).keys()].map((value) => value * 10), size: 2,
      region: { x: 2, y: 2, width: 2, height: 2 }, red: [100, 110, 140, 150].map((value) => value / 255) },
  ];
  for (const { name, width, height, values, size, region, red } of cases) {
    await t.test(name, () => {
      const tensor = new Float32Array(3 * size * size);
      letterboxRgba(frame(width, height, values), width, height, size, tensor, region);
      close(plane(tensor, size, 0), red);
      close(plane(tensor, size, 1), red.map((value) => (value === PAD ? PAD : value + 1 / 255)));
    });
  }
});

test('letterboxRgba rejects bad buffers and regions', () => {
  const tensor = new Float32Array(3 * 4 * 4);
  assert.throws(() => letterboxRgba(new Uint8Array(10), 2, 2, 4, tensor), RangeError);
  assert.throws(() => letterboxRgba(frame(2, 2, [1, 2, 3, 4]), 2, 2, 4, new Float32Array(5)), RangeError);
  assert.throws(() => letterboxRgba(frame(2, 2, [1, 2, 3, 4]), 2, 2, 4, tensor, { x: 5, y: 5, width: 2, height: 2 }), RangeError);
});

test('normaliseRegion clips to the frame and rounds outwards', async (t) => {
  const cases = [
    { region: null, want: { x: 0, y: 0, width: 640, height: 480 } },
    { region: { x: 10.5, y: 20.2, width: 100, height: 50 }, want: { x: 10, y: 20, width: 101, height: 51 } },
    { region: { x: -20, y: 400, width: 100, height: 200 }, want: { x: 0, y: 400, width: 80, height: 80 } },
  ];
  for (const { region, want } of cases) {
    await t.test(JSON.stringify(region), () => assert.deepEqual(normaliseRegion(region, 640, 480), want));
  }
  assert.throws(() => normaliseRegion({ x: 0, y: 0, width: Number.NaN, height: 5 }, 640, 480), TypeError);
});

test('letterboxRgba NHWC holds the NCHW values pixel-interleaved', async (t) => {
  const cases = [
    { name: 'whole frame, wider than tall', width: 5, height: 3, size: 8, region: null },
    { name: 'a region, taller than wide', width: 6, height: 7, size: 8, region: { x: 1, y: 2, width: 3, height: 5 } },
  ];
  for (const { name, width, height, size, region } of cases) {
    await t.test(name, () => {
      const values = Array.from({ length: width * height }, (_, index) => (index * 37) % 250);
      const rgba = frame(width, height, values);
      const planar = new Float32Array(3 * size * size);
      const interleaved = new Float32Array(3 * size * size);
      const planarParams = letterboxRgba(rgba, width, height, size, planar, region);
      const interleavedParams = letterboxRgba(rgba, width, height, size, interleaved, region, { layout: 'nhwc' });
      assert.deepEqual(interleavedParams, planarParams);
      for (let pixel = 0; pixel < size * size; pixel++) {
        for (let channel = 0; channel < 3; channel++) {
          assert.equal(interleaved[pixel * 3 + channel], planar[channel * size * size + pixel], `pixel ${pixel} channel ${channel}`);
        }
      }
      assert.ok(new Set(interleaved).size > 3, 'the image itself is in the tensor, not only padding');
    });
  }
});

test('letterboxRgba rejects an unknown layout', () => {
  const rgba = frame(2, 2, [1, 2, 3, 4]);
  assert.throws(() => letterboxRgba(rgba, 2, 2, 4, new Float32Array(48), null, { layout: 'nhcw' }), TypeError);
});
