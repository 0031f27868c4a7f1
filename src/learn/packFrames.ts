import type { ModelConfig } from '../core/config/modelConfig.js';
import type { CompactFrame } from './CompactFrame.js';
import { compactFrameSizes } from './CompactFrame.js';
import { MODEL_MODALITIES, needsObjectMotion, needsObjectPlace } from '../model/index.js';
import type { ModelFrames, ModelModality } from '../model/index.js';

/** Packs compact frames into the model's row-major ModelFrames (a modality a frame lacks is masked), with the object's place and motion where the model reads them (motion 0 where a frame has none). */
export function packFrames(frames: readonly CompactFrame[], config: ModelConfig): ModelFrames {
  const n = frames.length;
  const sizes = compactFrameSizes(config);
  const on = config.modalities;
  const data: Pick<ModelFrames, ModelModality> = {
    ...(on.rgb ? { rgb: new Uint8Array(n * sizes.rgb) } : {}),
    ...(on.points ? { points: new Float32Array(n * sizes.points) } : {}),
    ...(on.proprio ? { proprio: new Float32Array(n * sizes.proprio) } : {}),
    ...(on.object ? { object: new Float32Array(n * sizes.object) } : {}),
  };
  const present = Object.fromEntries(MODEL_MODALITIES.map((m) => [m, new Uint8Array(n)])) as Record<ModelModality, Uint8Array>;
  const objectPlace = needsObjectPlace(config) ? new Float32Array(n * 3).fill(Number.NaN) : undefined;
  const objectMotion = needsObjectMotion(config) ? new Float32Array(n * 3) : undefined;
  frames.forEach((f, i) => {
    if (objectPlace !== undefined && f.objectPlace !== undefined) objectPlace.set(f.objectPlace, 3 * i);
    if (objectMotion !== undefined && f.objectMotion !== undefined) objectMotion.set(f.objectMotion, 3 * i);
    for (const m of MODEL_MODALITIES) {
      const values = f[m];
      const target = data[m];
      if (target === undefined || values === undefined) continue;
      target.set(values, i * sizes[m]);
      present[m][i] = 1;
    }
  });
  return { count: n, ...data, pointCount: config.points.count, present, ...(objectPlace === undefined ? {} : { objectPlace }), ...(objectMotion === undefined ? {} : { objectMotion }) };
}
