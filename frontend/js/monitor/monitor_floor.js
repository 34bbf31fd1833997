// The monitor's floor calibration (floor_view.js collects the four corners and the size): the
// calibration of the open source, remembered in this browser per source, shown in the controls
// and painted as the floor heatmap, and the options of a run's floor heatmap.
import { FloorCalibrationView } from './floor_view.js';

export class MonitorFloor {
  /**
   * @param view  the FloorCalibrationView (the clicks and the size)
   * @param sourceKey  () => the open source's key (null: not remembered)
   * @param redraw  () => redraw the stage's overlay
   */
  constructor({ view, editorView, controls, stage, status, config, sourceKey, redraw }) {
    Object.assign(this, { view, editorView, controls, stage, status, config, sourceKey, redraw });
    this.calibration = null;
  }

  /** A source was opened: the calibration remembered for it (or none), shown. */
  recall() {
    this.calibration = FloorCalibrationView.recall(this.sourceKey());
    this.controls.showFloor(this.calibration);
    this.controls.paintFloor(this.stage, null, this.calibration);
  }

  /** The floor heatmap's picture (a snapshot of the run's floor heatmap). */
  paint(snapshot) {
    this.controls.paintFloor(this.stage, snapshot, this.calibration);
  }

  /** The calibrate button: clicks on the picture go to the calibration (a source open, not counting). */
  begin({ allowed }) {
    if (!allowed) { this.status.show('Open a source and stop counting to calibrate the floor.', 'warning'); return; }
    this.editorView.setEnabled(false, 'Click the four floor corners, then give the size above the picture.');
    this.view.begin();
    this.redraw();
  }

  cancelled() {
    this.editorView.setEnabled(true);
    this.redraw();
  }

  apply(calibration) {
    this.calibration = calibration;
    FloorCalibrationView.remember(this.sourceKey(), calibration);
    this.controls.showFloor(calibration);
    this.controls.paintFloor(this.stage, null, calibration);
    this.editorView.setEnabled(true);
    this.redraw();
    this.status.show(`Floor plan set: ${calibration.widthMetres} m × ${calibration.depthMetres} m. The floor heatmap fills while counting.`, 'success');
  }

  /** The remove button: no calibration for this source, and none in the run's pipeline (if any). */
  remove(pipeline) {
    this.calibration = null;
    FloorCalibrationView.remember(this.sourceKey(), null);
    pipeline?.setFloorCalibration(null);
    this.controls.showFloor(null);
  }

  /** The pipeline's floor heatmap for the calibration (none without one). */
  heatmapOptions() {
    if (!this.calibration) return null;
    const { imagePoints, floorPoints } = this.calibration;
    return { imagePoints, floorPoints, cellSize: this.config.floorCellSize };
  }
}
