// The suite's backend switch. `npm test` runs this file first, on its own (package.json's
// pretest), so a JEPA_TEST_BACKEND that cannot run here stops the suite at once with the reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_PROVIDERS } from '../src/model/engine/initBackend.js';
import { isBackendInstalled, parseTestBackend, TEST_BACKEND, TEST_BACKEND_VARIABLE, TEST_ENGINE_OVERRIDE, useTestBackend } from './backend.js';

describe('the test backend', () => {
  test(`${TEST_BACKEND_VARIABLE} (now '${process.env[TEST_BACKEND_VARIABLE] ?? ''}') names a backend that runs here: ${TEST_BACKEND}`, async () => {
    const description = await useTestBackend();
    assert.equal(description.backend, TEST_BACKEND);
    assert.equal(tf.getBackend(), BACKEND_PROVIDERS[TEST_BACKEND].tfName);
    assert.equal(TEST_ENGINE_OVERRIDE, `engine.backend=${TEST_BACKEND}`);
    assert.ok(isBackendInstalled(TEST_BACKEND));
  });

  test('wasm when unset or empty; a concrete backend by name; anything else is an error naming the variable', () => {
    assert.equal(parseTestBackend(undefined), 'wasm');
    assert.equal(parseTestBackend(''), 'wasm');
    for (const name of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const) assert.equal(parseTestBackend(name), name);
    assert.throws(() => parseTestBackend('auto'), /^Error: JEPA_TEST_BACKEND: expected one of tfjs-node-gpu, tfjs-node, wasm, cpu, got 'auto'$/);
    assert.throws(() => parseTestBackend('webgl'), /got 'webgl'/);
  });

  test('installed: wasm and cpu always; a native backend when its package resolves', () => {
    assert.ok(isBackendInstalled('wasm'));
    assert.ok(isBackendInstalled('cpu'));
    for (const name of ['tfjs-node-gpu', 'tfjs-node'] as const) {
      const manifest = new URL(`../../node_modules/${BACKEND_PROVIDERS[name].module}/package.json`, import.meta.url);
      assert.equal(isBackendInstalled(name), existsSync(manifest), name);
    }
  });
});
