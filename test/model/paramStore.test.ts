import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Rng } from '../../src/core/index.js';
import { ParamStore } from '../../src/model/index.js';
import { useTestBackend } from './fixtures.js';

before(useTestBackend);

test('initial values depend on the seed and the name only', () => {
  const a = new ParamStore(new Rng(1));
  const b = new ParamStore(new Rng(1));
  a.add('x', [3, 4], { kind: 'normal', fanIn: 3 });
  b.add('other', [2], { kind: 'normal', fanIn: 2 });
  b.add('x', [3, 4], { kind: 'normal', fanIn: 3 });
  assert.deepEqual(a.get('x').dataSync(), b.get('x').dataSync(), 'same seed and name, despite creation order');
  const c = new ParamStore(new Rng(2));
  c.add('x', [3, 4], { kind: 'normal', fanIn: 3 });
  assert.notDeepEqual(a.get('x').dataSync(), c.get('x').dataSync());
  [a, b, c].forEach((s) => s.dispose());
});

test('two stores in one process do not clash on tfjs variable names', () => {
  const a = new ParamStore(new Rng(1));
  const b = new ParamStore(new Rng(1));
  a.add('w', [1], { kind: 'ones' });
  b.add('w', [1], { kind: 'zeros' });
  assert.notEqual(a.get('w').name, b.get('w').name);
  [a, b].forEach((s) => s.dispose());
});

test('trainable weights and buffers are told apart; names are errors when wrong', () => {
  const s = new ParamStore(new Rng(1));
  s.add('enc.w', [2, 2], { kind: 'constant', value: 0.5 });
  s.addBuffer('enc.stat', [2], { kind: 'zeros' });
  s.addBuffer('copy', [2], Float32Array.of(1, 2));
  assert.deepEqual(s.trainableNames(), ['enc.w']);
  assert.deepEqual(s.names(), ['enc.w', 'enc.stat', 'copy']);
  assert.equal(s.trainableSize(), 4);
  assert.equal(s.get('enc.w').trainable, true);
  assert.equal(s.get('enc.stat').trainable, false);
  assert.throws(() => s.add('enc.w', [1], { kind: 'zeros' }), /model parameter 'enc\.w' is defined twice/);
  assert.throws(() => s.get('nope'), /model parameter 'nope' does not exist/);
  assert.throws(() => s.addBuffer('bad', [3], Float32Array.of(1)), /model parameter 'bad': 1 initial values for shape \[3\]/);
  s.dispose();
});
