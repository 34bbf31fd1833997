import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JpegSplitter, reconnectDelaySeconds } from '../../frontend/js/video/ip_camera_source.js';
import { stationRequest } from '../../frontend/js/monitor/station_mode.js';

const jpeg = (...body) => Uint8Array.from([0xff, 0xd8, ...body, 0xff, 0xd9]);
const part = (image) => {
  const head = new TextEncoder().encode(`--pcframe\r\nContent-Type: image/jpeg\r\nContent-Length: ${image.length}\r\n\r\n`);
  return Uint8Array.from([...head, ...image, 0x0d, 0x0a]);
};

test('the splitter finds every JPEG of a multipart stream, however the bytes are chunked', () => {
  const images = [jpeg(1, 2, 3), jpeg(0xff, 0x00, 9), jpeg(7)];
  const stream = Uint8Array.from(images.flatMap((image) => [...part(image)]));
  for (const size of [1, 2, 3, 7, 64, stream.length]) {
    const splitter = new JpegSplitter();
    const found = [];
    for (let offset = 0; offset < stream.length; offset += size) found.push(...splitter.push(stream.slice(offset, offset + size)));
    assert.deepEqual(found.map((image) => [...image]), images.map((image) => [...image]), `chunks of ${size}`);
  }
});

test('the splitter drops a runaway frame instead of growing without end', () => {
  const splitter = new JpegSplitter({ maxBytes: 16 });
  assert.deepEqual(splitter.push(Uint8Array.from([0xff, 0xd8, ...new Array(40).fill(1)])), []);
  assert.equal(splitter.buffer.length, 0);
  assert.deepEqual(splitter.push(jpeg(5)).map((image) => [...image]), [[...jpeg(5)]]);
});

test('reconnecting waits 1, 2, 4 ... seconds, at most 30', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => reconnectDelaySeconds(attempt)), [1, 2, 4, 8, 16, 30, 30, 30]);
});

test('the station request is read from the query string, and nothing else is one', () => {
  assert.equal(stationRequest(''), null);
  assert.equal(stationRequest('?camera=3'), null);
  assert.deepEqual(stationRequest('?station=1&camera=3&run=station-ab12'), { cameraId: 3, clientRunId: 'station-ab12' });
  assert.deepEqual(stationRequest('?station=1&camera=3&run=%3Cscript%3E'), { cameraId: 3, clientRunId: null });
  for (const bad of ['?station=1', '?station=1&camera=0', '?station=1&camera=-2', '?station=1&camera=1e40', '?station=1&camera=x']) {
    assert.throws(() => stationRequest(bad), /camera/, bad);
  }
});
