/**
 * Recorded detection sequences for the pipeline tests: the MOTChallenge ground truth of the
 * shared footage (../shared/data beside the repository), frame by frame, as plain rows, and
 * a scripted scene with exact, hand-checkable crossings and alerts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the repository (as in CI), or PC_SHARED_DATA (e.g. from a git worktree). */
export const SHARED_DATA = process.env.PC_SHARED_DATA
  ? `${process.env.PC_SHARED_DATA.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('../../../shared/data/', import.meta.url));

/** { fps, width, height, frames: [[{ id, box: [x1, y1, x2, y2] }], ...], reference } of a sequence. */
export function loadSequence(name) {
  const folder = `${SHARED_DATA}${name}/`;
  const info = Object.fromEntries(readFileSync(`${folder}seqinfo.ini`, 'utf8').split('\n')
    .map((line) => line.split('=')).filter((parts) => parts.length === 2).map(([key, value]) => [key.trim(), value.trim()]));
  const length = Number(info.seqLength);
  const frames = Array.from({ length }, () => []);
  for (const line of readFileSync(`${folder}gt.txt`, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [frame, id, left, top, width, height, conf] = line.split(',').map(Number);
    if (conf === 0 || frame < 1 || frame > length) continue;
    frames[frame - 1].push({ id, box: [left, top, left + width, top + height] });
  }
  const reference = JSON.parse(readFileSync(`${folder}reference_counts.json`, 'utf8'));
  return { fps: Number(info.frameRate), width: Number(info.imWidth), height: Number(info.imHeight), frames, reference };
}

/** The sequence's reference lines as engine lines (as tools/eval_data.py draws them). */
export function referenceLines({ reference, width, height }) {
  return [
    { id: 'horizontal_line', a: [0, reference.horizontal_line.y], b: [width, reference.horizontal_line.y] },
    { id: 'vertical_line', a: [reference.vertical_line.x, 0], b: [reference.vertical_line.x, height] },
  ];
}
