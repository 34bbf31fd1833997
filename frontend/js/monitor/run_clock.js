// Which wall-clock time a run's stream second 0 stands for (epochAtZeroMs): every sample and
// event is sent as epochAtZeroMs + its time in the stream. Pure: the caller passes the clock.
//   live source: now (stream time is wall time);
//   file played and counted at normal speed from `position`: now - position, so counts keep
//     pace with the clock as the video plays;
//   whole video processed as fast as the machine allows: the recording is taken to end when
//     processing starts (now - duration). Counting a 10-minute video in 2 minutes with
//     "start + position" would stamp counts up to 8 minutes in the future; this way every
//     count is in the past when it is sent, and its minute is the video's minute.
export function runEpochAtZeroMs({ live, wholeVideo, position = 0, duration = NaN, nowMs }) {
  if (!Number.isFinite(nowMs)) throw new TypeError('runEpochAtZeroMs: nowMs must be a number');
  if (live) return nowMs;
  if (wholeVideo) return Number.isFinite(duration) && duration > 0 ? nowMs - duration * 1000 : nowMs;
  return nowMs - (Number.isFinite(position) ? position : 0) * 1000;
}
