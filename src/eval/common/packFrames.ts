import type { ModelConfig } from '../../core/config/modelConfig.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { compactFrameSizes } from '../../learn/CompactFrame.js';
import type { ModelFrames, ModelModality } from '../../model/index.js';

/** Packs compact frames into the model's row-major ModelFrames (a modality a frame lacks is masked). */
export function packFrames(frames: readonly CompactFrame[], config: ModelConfig): ModelFrames {
  const n = frames.length;
  const sizes = compactFrameSizes(config);
  const on = config.modalities;
  const rgb = on.rgb ? new Uint8Array(n * sizes.rgb) : undefined;
  const points = on.points ? new Float32Array(n * sizes.points) : undefined;
  const proprio = on.proprio ? new Float32Array(n * sizes.proprio) : undefined;
  const present: Record<ModelModality, Uint8Array> = { rgb: new Uint8Array(n), points: new Uint8Array(n), proprio: new Uint8Array(n) };
  frames.forEach((f, i) => {
    if (rgb && f.rgb) {
      rgb.set(f.rgb, i * sizes.rgb);
      present.rgb[i] = 1;
    }
    if (points && f.points) {
      points.set(f.points, i * sizes.points);
      present.points[i] = 1;
    }
    if (proprio && f.proprio) {
      proprio.set(f.proprio, i * sizes.proprio);
      present.proprio[i] = 1;
    }
  });
  return { count: n, rgb, points, pointCount: config.points.count, proprio, present };
}
