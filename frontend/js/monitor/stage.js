// The picture: the frame canvas (video pixels + image heatmap) under the overlay canvas
// (zones, tracks, editor handles). Canvas pixels are source-frame pixels; CSS scales them.
import { drawCalibration, drawOverlay } from '../overlay/overlay_renderer.js';
import { paintImageHeatmap, paintFloorHeatmap } from '../heatmap_view/heatmap_painter.js';
import { drawRegionPlan } from '../overlay/region_layer.js';

export class Stage {
  constructor({ frameCanvas, overlayCanvas, placeholder, stage }) {
    this.frameCanvas = frameCanvas;
    this.overlayCanvas = overlayCanvas;
    this.placeholder = placeholder;
    this.stage = stage;
    this.frameContext = frameCanvas.getContext('2d', { willReadFrequently: false });
    this.overlayContext = overlayCanvas.getContext('2d');
    this.scratch = document.createElement('canvas');
    // Frames are grabbed here for the detector and shown only once their overlay is ready,
    // so boxes, heatmap and picture always belong to the same frame.
    this.grabCanvas = document.createElement('canvas');
    this.grabContext = this.grabCanvas.getContext('2d');
    this.floorScratch = document.createElement('canvas');
  }

  get width() { return this.frameCanvas.width; }
  get height() { return this.frameCanvas.height; }

  setFrameSize(width, height) {
    for (const canvas of [this.frameCanvas, this.overlayCanvas, this.grabCanvas]) {
      canvas.width = width;
      canvas.height = height;
    }
    this.stage.style.aspectRatio = `${width} / ${height}`;
    this.stage.style.setProperty('--aspect', String(width / height));
    this.placeholder.hidden = true;
    this.stage.classList.add('has-source');
  }

  clear() {
    this.frameContext.clearRect(0, 0, this.width, this.height);
    this.overlayContext.clearRect(0, 0, this.width, this.height);
    this.placeholder.hidden = false;
    this.stage.classList.remove('has-source');
  }

  /** Line widths and labels scale with the displayed size, so they look the same on any frame. */
  get scale() {
    const shown = this.overlayCanvas.getBoundingClientRect().width || this.width;
    return Math.max(0.5, this.width / shown);
  }

  /** Preview: show the video's current picture directly. */
  drawFrame(video) {
    this.frameContext.drawImage(video, 0, 0, this.width, this.height);
  }

  /** Counting: take the current picture for the detector (not shown yet). */
  grab(video) {
    this.grabContext.drawImage(video, 0, 0, this.width, this.height);
    return this.grabCanvas;
  }

  /** Show the grabbed picture (after its detections are ready). */
  presentGrab() {
    this.frameContext.drawImage(this.grabCanvas, 0, 0);
  }

  drawHeatmap(snapshot, opacity) {
    paintImageHeatmap(this.frameContext, snapshot, { opacity, scratch: this.scratch });
  }

  drawOverlay({ zones, layers, live, editor }) {
    drawOverlay(this.overlayContext, { zones, layers, live, editor, scale: this.scale });
    if (layers.regions && live && live.regionPlan) drawRegionPlan(this.overlayContext, live.regionPlan, this.scale);
  }

  drawCalibration(points) {
    drawCalibration(this.overlayContext, points, this.scale);
  }

  paintFloor(canvas, snapshot, size) {
    paintFloorHeatmap(canvas, snapshot, { ...size, scratch: this.floorScratch });
  }
}
