import * as tf from '@tensorflow/tfjs';
import type { ModelFrames, ModelModality, WorldModel } from '../../model/index.js';

/** Frozen-encoder outputs of some frames, copied out of the backend. */
export interface Latents {
  readonly count: number;
  /** Size of the fused state. */
  readonly dim: number;
  /** Size of one modality's embedding. */
  readonly embeddingDim: number;
  /** [count, dim] fused state. */
  readonly state: Float32Array;
  /** [count, embeddingDim] for every modality the model encodes (zero rows where a frame lacks it). */
  readonly modalities: Partial<Record<ModelModality, Float32Array>>;
}

/**
 * Encodes frames in chunks (bounded memory) with the model's online weights, keeping the
 * fused state and every modality's own embedding. No tensor outlives a chunk.
 */
export function encodeLatents(model: WorldModel, frames: ModelFrames, chunk = 64): Latents {
  const d = model.latentDim;
  const de = model.config.latentDim;
  const state = new Float32Array(frames.count * d);
  // Every modality the model encodes gets its rows, zeros where a frame lacks it, so that sets
  // of frames compare column for column even when one set never shows a modality.
  const modalities: Partial<Record<ModelModality, Float32Array>> = Object.fromEntries(model.modalities.map((m) => [m, new Float32Array(frames.count * de)]));
  for (let start = 0; start < frames.count; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, frames.count - start) }, (_, i) => start + i);
    tf.tidy(() => {
      const e = model.embed(model.params.weights, frames, rows);
      state.set(e.state.dataSync(), start * d);
      model.modalities.forEach((m, j) => {
        const emb = e.embeddings[j];
        if (emb === undefined) return;
        const values = emb.dataSync();
        const mask = e.mask.dataSync();
        const out = modalities[m]!;
        rows.forEach((_, i) => {
          if (mask[i * model.modalities.length + j] !== 0) out.set(values.subarray(i * de, (i + 1) * de), (start + i) * de);
        });
      });
    });
  }
  return { count: frames.count, dim: d, embeddingDim: de, state, modalities };
}

/** The same frames with only the named modalities present (e.g. camera-only latents). */
export function keepModalities(frames: ModelFrames, keep: readonly ModelModality[]): ModelFrames {
  return {
    count: frames.count,
    pointCount: frames.pointCount,
    ...(keep.includes('rgb') && frames.rgb !== undefined ? { rgb: frames.rgb } : {}),
    ...(keep.includes('points') && frames.points !== undefined ? { points: frames.points } : {}),
    ...(keep.includes('proprio') && frames.proprio !== undefined ? { proprio: frames.proprio } : {}),
    ...(keep.includes('object') && frames.object !== undefined ? { object: frames.object } : {}),
    ...(frames.present ? { present: frames.present } : {}),
  };
}

/** Rows `rows` of packed frames, as new frames (copies). */
export function selectFrames(frames: ModelFrames, rows: readonly number[], sizes: Record<ModelModality, number>): ModelFrames {
  const pick = <T extends Uint8Array | Float32Array>(data: T | undefined, size: number, make: (n: number) => T): T | undefined => {
    if (data === undefined) return undefined;
    const out = make(rows.length * size);
    rows.forEach((r, i) => out.set(data.subarray(r * size, (r + 1) * size), i * size));
    return out;
  };
  const present: Partial<Record<ModelModality, Uint8Array>> = {};
  for (const [m, mask] of Object.entries(frames.present ?? {}) as Array<[ModelModality, Uint8Array | undefined]>) {
    if (mask !== undefined) present[m] = Uint8Array.from(rows, (r) => mask[r]);
  }
  return {
    count: rows.length,
    pointCount: frames.pointCount,
    rgb: pick(frames.rgb, sizes.rgb, (n) => new Uint8Array(n)),
    points: pick(frames.points, sizes.points, (n) => new Float32Array(n)),
    proprio: pick(frames.proprio, sizes.proprio, (n) => new Float32Array(n)),
    ...(frames.object === undefined ? {} : { object: pick(frames.object, sizes.object, (n) => new Float32Array(n)) }),
    present,
  };
}
