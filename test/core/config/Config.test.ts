import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, ConfigError, defaultConfig, parseConfig } from '../../../src/core/config/Config.js';

test('defaults fill every key and the result is frozen', () => {
  const c = defaultConfig();
  assert.equal(c.sim.task, 'reach');
  assert.equal(c.sim.camera.width, 128);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.sim) && Object.isFrozen(c.sim.camera));
});

test('an unknown key is an error that names it, nested or not', () => {
  assert.throws(() => parseConfig({ sim: { tsak: 'push' } }, 'run.yaml'), (e: Error) => e instanceof ConfigError && /run\.yaml: unknown key 'sim\.tsak'/.test(e.message));
  assert.throws(() => parseConfig({ bogus: 1 }), /unknown key 'bogus'/);
});

test('a value out of range names the key and the value', () => {
  assert.throws(() => parseConfig({ sim: { controlHz: 5000 } }), /'sim\.controlHz': .*1000.*\(got 5000\)/);
  assert.throws(() => parseConfig({ sim: { task: 'fly' } }), /'sim\.task': .*"reach".*\(got "fly"\)/);
});

test('overrides set nested keys with typed values', () => {
  const raw = applyOverrides({ sim: { task: 'reach' } }, ['sim.task=push', 'sim.camera.width=128', 'seed=9']);
  const c = parseConfig(raw);
  assert.equal(c.sim.task, 'push');
  assert.equal(c.sim.camera.width, 128);
  assert.equal(c.seed, 9);
});

test('malformed overrides are errors', () => {
  assert.throws(() => applyOverrides({}, ['sim.task']), /expected key\.path=value/);
  assert.throws(() => applyOverrides({ seed: 3 }, ['seed.x=1']), /'seed' is not a group of keys/);
  assert.throws(() => applyOverrides({}, ['sim..task=1']), /empty key segment/);
});
