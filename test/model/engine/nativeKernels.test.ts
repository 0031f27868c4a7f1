import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { nativeKernels, nativeSession, runByRows, useNativeKernels } from '../../../src/model/engine/nativeKernels.js';
import { encodeOnnxModel } from '../../../src/model/onnx/onnxProto.js';
import { OnnxGraphBuilder } from '../../../src/model/onnx/OnnxGraphBuilder.js';
import { loadOnnxRuntime } from '../../../src/model/onnx/onnxRuntime.js';

const runtime = loadOnnxRuntime();
const skip = runtime.available ? false : `onnxruntime does not run here: ${runtime.reason}`;

/** y = x w + b per row of x [n, 2], and s = the sum of each row of x [n]. */
function rowGraph(): Uint8Array {
  const g = new OnnxGraphBuilder();
  const x = g.input('x', ['n', 2]);
  g.output(g.name(g.op('Gemm', [x, g.input('w', [2, 3]), g.input('b', [3])]), 'y'), ['n', 3]);
  g.output(g.name(g.op('ReduceSum', [x, g.ints([1])], { keepdims: { int: 0 } }), 's'), ['n']);
  return encodeOnnxModel(g.build('rows'));
}

describe('native kernels', { skip }, () => {
  after(() => useNativeKernels(undefined));

  test('off until chosen: no session; once chosen, one session per key, freed when the runtime changes', () => {
    if (!runtime.available) return;
    useNativeKernels(undefined);
    assert.equal(nativeKernels(), undefined);
    assert.equal(nativeSession('rows', rowGraph), undefined);
    useNativeKernels({ createSession: runtime.createSession, threads: 1 });
    const first = nativeSession('rows', rowGraph);
    assert.ok(first !== undefined);
    assert.equal(nativeSession('rows', () => assert.fail('made twice')), first);
    useNativeKernels({ createSession: runtime.createSession, threads: 1 });
    assert.throws(() => first.run({}), /disposed session/);
    assert.notEqual(nativeSession('rows', rowGraph), first);
  });

  test('runByRows splits the per-row inputs, feeds the others whole and joins the outputs: the values of one run', () => {
    if (!runtime.available) return;
    useNativeKernels({ createSession: runtime.createSession, threads: 1 });
    const session = nativeSession('rows', rowGraph);
    assert.ok(session !== undefined);
    const n = 11;
    const feeds = {
      x: { data: Float32Array.from({ length: 2 * n }, (_, i) => i - 7), dims: [n, 2] },
      w: { data: Float32Array.of(1, 2, 3, -1, 0.5, 2), dims: [2, 3] },
      b: { data: Float32Array.of(0.25, -1, 4), dims: [3] },
    };
    const whole = session.run(feeds);
    for (const chunk of [1, 4, 5, 11, 20]) {
      const joined = runByRows(session, feeds, ['x'], n, chunk);
      assert.deepEqual(Array.from(joined.y), Array.from(whole.y), `chunk ${chunk}: y`);
      assert.deepEqual(Array.from(joined.s), Array.from(whole.s), `chunk ${chunk}: s`);
    }
    assert.throws(() => runByRows(session, feeds, ['z'], n, 4), /no input 'z' to split/);
  });
});
