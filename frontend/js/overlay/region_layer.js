// The detector-regions debug layer: where the detector looked at full resolution this frame
// (the crops of pipeline/region_plan.js, dashed) and why, drawn over the picture.
import { drawLabel } from './overlay_renderer.js';
import { countOf } from '../ui/words.js';

const CROP_COLOUR = '#f59e0b';

/** plan: FramePipeline.planDetection()'s regionPlan ({ regions, wholeFrame, runs, reason, scale }). */
export function drawRegionPlan(context, plan, scale = 1) {
  if (!plan) return;
  const { width, height } = context.canvas;
  const crops = (plan.regions || []).filter((region) => !(region.x === 0 && region.y === 0 && region.width === width && region.height === height));
  context.save();
  context.setLineDash([8 * scale, 6 * scale]);
  context.lineWidth = 2 * scale;
  context.strokeStyle = CROP_COLOUR;
  crops.forEach((region, index) => {
    context.strokeRect(region.x + scale, region.y + scale, region.width - 2 * scale, region.height - 2 * scale);
    drawLabel(context, `crop ${index + 1}`, region.x + 4 * scale, region.y + 18 * scale, { background: 'rgba(146, 64, 14, .85)', scale });
  });
  context.restore();
  const runs = countOf(plan.runs, 'detector run');
  const where = crops.length ? `${countOf(crops.length, 'full-resolution crop')}${plan.wholeFrame ? ' + whole frame' : ''}` : 'whole frame';
  drawLabel(context, `Detector: ${where} (${runs}) — ${plan.reason}`, 6 * scale, height - 10 * scale, { scale });
}
