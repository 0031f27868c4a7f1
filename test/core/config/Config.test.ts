import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs, valueOrNamedError } from '../../property.js';
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

describe('config properties', () => {
  const segment = fc.oneof(fc.constantFrom('sim', 'task', 'camera', 'width', 'seed', 'plan', 'model', 'agent', '__proto__', 'constructor', 'prototype', 'toString', ''), fc.string({ maxLength: 6 }));
  const value = fc.oneof(fc.constantFrom('1', '"push"', 'true', 'null', '[1,2]', '{"a":1}', '{"__proto__":{"x":1}}', ''), fc.string({ maxLength: 8 }), fc.json({ maxDepth: 2 }));
  const override = fc.oneof(
    fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), value).map(([path, v]) => `${path.join('.')}=${v}`),
    fc.string({ maxLength: 20 }),
  );
  const polluted = (): string[] => Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN_OBJECT_KEYS.has(k));
  const BUILTIN_OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

  test('any overrides on any raw config: a frozen config or a ConfigError naming the override or key; the input is left alone and nothing global changes', () => {
    fc.assert(
      fc.property(fc.array(override, { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), (overrides, rawValue) => {
        const raw = (typeof rawValue === 'object' && rawValue !== null && !Array.isArray(rawValue) ? rawValue : {}) as Record<string, unknown>;
        const before = JSON.stringify(raw);
        try {
          const merged = valueOrNamedError(() => applyOverrides(raw, overrides), /^override '/);
          if (merged !== undefined) {
            const config = valueOrNamedError(() => parseConfig(merged, 'overrides'), /^overrides: /);
            if (config !== undefined) assert.ok(Object.isFrozen(config) && Object.isFrozen(config.sim));
          }
          assert.equal(JSON.stringify(raw), before, 'the raw config is not changed');
          assert.deepEqual(polluted(), [], 'Object.prototype gained keys');
        } finally {
          for (const k of polluted()) delete (Object.prototype as Record<string, unknown>)[k];
        }
      }),
      runs(400),
    );
  });

  test('the defaults parse to themselves, and every default survives a round trip through overrides of its own values', () => {
    const defaults = defaultConfig();
    assert.deepEqual(parseConfig(JSON.parse(JSON.stringify(defaults))), defaults);
    const leaves: string[] = [];
    const walk = (node: unknown, path: string[]): void => {
      if (typeof node === 'object' && node !== null && !Array.isArray(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      else leaves.push(`${path.join('.')}=${JSON.stringify(node)}`);
    };
    walk(defaults, []);
    fc.assert(
      fc.property(fc.shuffledSubarray(leaves), (chosen) => assert.deepEqual(parseConfig(applyOverrides({}, chosen)), defaults)),
      runs(40),
    );
  });
});
