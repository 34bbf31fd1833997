/**
 * A sudden change of the whole scene: a recorded clip looping back to its start (Chromium's
 * fake camera), a camera moved or switched. Most of the people seen at the previous detector
 * run are nowhere near where they were, and as many new ones stand elsewhere. People do not
 * all vanish at once while others appear: the tracks lost at such a run (and those lost
 * before it) belong to a picture that is gone, and finding them again later by position and
 * looks would hand one person's track, and count, to someone else; a track matched across the
 * cut matched someone of the new picture who happens to stand near where someone of the old
 * one was (in a looped clip, often the same person at another time), so it starts afresh
 * with a new id, and no walk is made of the jump. A detector run that finds
 * nobody (a dark or blurred frame) is not a cut: nobody new appears.
 */
import { TrackState } from './track.js';

/**
 * Is this update a scene cut? `before`: the confirmed tracks seen at the previous update, after
 * this update's association (lost now: the detector looked for them and did not find them; one
 * outside the regions it looked at is not lost, see observed.js); `newPeople`: detections left
 * to start new tracks. A cut needs at least `minTracks` tracks before, two in three or more of
 * them lost, and at least as many new people as were lost.
 */
export function isSceneCut(before, newPeople, minTracks) {
  if (minTracks === 0 || before.length < minTracks) return false;
  const lost = before.filter((track) => track.state === TrackState.LOST).length;
  return lost * 3 >= before.length * 2 && newPeople >= lost;
}

/** Remove every lost track (their picture is gone). */
export function dropLostTracks(tracks) {
  for (const track of tracks) if (track.state === TrackState.LOST) track.markRemoved();
}

/**
 * Tracks matched across a cut start afresh: a new id (from `nextId`), a filter state from their
 * new box alone (no velocity made of the jump), confirmed. Returns the next free id.
 */
export function restartTracks(tracks, filter, nextId, frame, timestamp) {
  let id = nextId;
  for (const track of tracks) {
    track.activate(filter, id, frame, timestamp);
    track.isActivated = true;
    id += 1;
  }
  return id;
}
