import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KalmanBoxFilter, boxToMeasurement, meanToBox } from '../../frontend/js/tracker/kalman.js';

test('learns a constant velocity (per second) and predicts ahead', () => {
  const filter = new KalmanBoxFilter();
  let { mean, covariance } = filter.initiate(boxToMeasurement(0, 0, 40, 100));
  for (let step = 1; step <= 30; step += 1) {
    ({ mean, covariance } = filter.predict(mean, covariance));
    ({ mean, covariance } = filter.update(mean, covariance, boxToMeasurement(5 * step, 0, 40 + 5 * step, 100)));
  }
  assert.ok(Math.abs(mean[4] - 125) < 5, `vx ${mean[4]} px/s (5 px a frame at 25 frames/s)`);
  ({ mean } = filter.predict(mean, covariance));
  const [x1, , x2] = meanToBox(mean);
  assert.ok(Math.abs(x1 - 155) < 2 && Math.abs(x2 - 195) < 2, `${x1} ${x2}`);
});

// The same walk (5 px per 1/25 s) seen at other detector rates: the velocity is the same per
// second, and one prediction over the real gap lands where the person is.
for (const every of [1, 3, 6, 12]) {
  test(`a walk seen every ${every} frames gives the same velocity and prediction`, () => {
    const filter = new KalmanBoxFilter();
    const seconds = every / 25;
    let { mean, covariance } = filter.initiate(boxToMeasurement(0, 0, 40, 100));
    for (let step = 1; step <= 12; step += 1) {
      ({ mean, covariance } = filter.predict(mean, covariance, seconds));
      const x = 5 * every * step;
      ({ mean, covariance } = filter.update(mean, covariance, boxToMeasurement(x, 0, 40 + x, 100)));
    }
    assert.ok(Math.abs(mean[4] - 125) < 8, `vx ${mean[4]}`);
    ({ mean } = filter.predict(mean, covariance, seconds));
    const [x1] = meanToBox(mean);
    assert.ok(Math.abs(x1 - 5 * every * 13) < 3, `x1 ${x1}, expected ${5 * every * 13}`);
  });
}

test('predicting zero seconds moves nothing; a negative time throws', () => {
  const filter = new KalmanBoxFilter();
  const start = filter.initiate([100, 100, 0.4, 200]);
  start.mean[4] = 50;
  assert.equal(filter.predict(start.mean, start.covariance, 0).mean[0], 100);
  assert.equal(filter.predict(start.mean, start.covariance, 1).mean[0], 150);
  assert.throws(() => filter.predict(start.mean, start.covariance, -1), /seconds must be within/);
});

test('prediction grows the uncertainty and an update shrinks it', () => {
  const filter = new KalmanBoxFilter();
  const start = filter.initiate([50, 50, 0.5, 100]);
  const predicted = filter.predict(start.mean, start.covariance);
  assert.ok(predicted.covariance[0] > start.covariance[0]);
  const updated = filter.update(predicted.mean, predicted.covariance, [50, 50, 0.5, 100]);
  assert.ok(updated.covariance[0] < predicted.covariance[0]);
});

test('unknown options throw', () => {
  assert.throws(() => new KalmanBoxFilter({ postionWeight: 1 }), /unknown option\(s\) postionWeight/);
});
