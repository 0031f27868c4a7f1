import { z } from 'zod';

/**
 * TensorFlow.js backends, best first. `auto` takes the first that loads: native TensorFlow
 * with CUDA, native TensorFlow on the CPU (both opt-in packages that download libtensorflow
 * when installed: `npm run install:gpu`, `npm run install:tfjs-node`), WebAssembly (always
 * installed), then the pure-JS `cpu` backend.
 */
export const ENGINE_BACKENDS = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type EngineBackend = (typeof ENGINE_BACKENDS)[number];

/** Where sampling planners score samples: onnxruntime when it loads (`auto`), or as named. */
export const PLANNING_ENGINES = ['auto', 'onnxruntime', 'tfjs'] as const;

/** Compute threads of the wasm backend: a count, or `auto` (one per core). */
export type EngineThreads = number | 'auto';

export const engineConfigSchema = z
  .strictObject({
    /** Tensor backend; `auto` picks the best that loads and logs why better ones did not. */
    backend: z.enum(ENGINE_BACKENDS).default('auto'),
    /**
     * Threads of the wasm backend (XNNPACK's pool): 1 = the package's single-threaded build,
     * `auto` = one per core. More threads only pay on cores nobody else uses: measured on
     * 2 idle cores a 512x8x4 CEM plan ran ~1.4x faster with 2, but with the cores shared
     * (a learner, other processes) it ran 2-3x slower, the pool's threads waiting on each
     * other. Native backends choose their own.
     */
    threads: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default(1),
    /**
     * Where CEM and MPPI score their sampled action sequences (rollout and cost): `auto` takes
     * onnxruntime (npm onnxruntime-node, an optional dependency) when it loads, with
     * `threads` intra-op threads, else tfjs; `onnxruntime` is an error where it cannot run.
     * Measured (bench model, 512 x 8 x 4 CEM, 1 thread): see README's table.
     */
    planning: z.enum(PLANNING_ENGINES).default('auto'),
  })
  .prefault({});
