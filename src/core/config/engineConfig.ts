import { z } from 'zod';

/**
 * TensorFlow.js backends, best first. `auto` takes the first that loads: native TensorFlow
 * with CUDA, native TensorFlow on the CPU (both optional packages that need libtensorflow),
 * WebAssembly (always installed), then the pure-JS `cpu` backend.
 */
export const ENGINE_BACKENDS = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type EngineBackend = (typeof ENGINE_BACKENDS)[number];

export const engineConfigSchema = z
  .strictObject({
    /** Tensor backend; `auto` picks the best that loads and logs why better ones did not. */
    backend: z.enum(ENGINE_BACKENDS).default('auto'),
  })
  .prefault({});
