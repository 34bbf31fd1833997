import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KalmanBoxFilter, boxToMeasurement, meanToBox } from '../../frontend/js/tracker/kalman.js';

test('learns a constant velocity and predicts ahead', () => {
  const filter = new KalmanBoxFilter();
  let { mean, covariance } = filter.initiate(boxToMeasurement(0, 0, 40, 100));
  for (let step = 1; step <= 30; step += 1) {
    ({ mean, covariance } = filter.predict(mean, covariance));
    ({ mean, covariance } = filter.update(mean, covariance, boxToMeasurement(5 * step, 0, 40 + 5 * step, 100)));
  }
  assert.ok(Math.abs(mean[4] - 5) < 0.2, `vx ${mean[4]}`);
  ({ mean } = filter.predict(mean, covariance));
  const [x1, , x2] = meanToBox(mean);
  assert.ok(Math.abs(x1 - 155) < 2 && Math.abs(x2 - 195) < 2, `${x1} ${x2}`);
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
