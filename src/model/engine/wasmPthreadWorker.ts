/**
 * Entry script of one pthread of the multithreaded wasm backend (see threadedWasmBackend.ts),
 * started by emscripten as `new Worker(<this file>)`. It runs the worker code that
 * tfjs-backend-wasm ships as a string (wasm-out/*.worker.js), which expects a CommonJS
 * scope (`require`, `__filename`): this ESM file supplies both. The worker then loads the
 * emscripten module from the path the main thread sends and joins the shared memory.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
  wasmWorkerContents: string;
};
// The string was a template literal, so its "\n" escapes arrived as real line breaks, which
// end string literals: put the escapes back (as the package's own loader does).
const source = wasmWorkerContents.replace(/\n/g, '\\n');
// Evaluating shipped code is the point here; the string comes from the installed package.
const run = new Function('require', '__filename', source) as (req: NodeJS.Require, filename: string) => void;
run(require, fileURLToPath(import.meta.url));
