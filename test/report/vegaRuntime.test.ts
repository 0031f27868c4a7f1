import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { vegaRuntime, vegaVersion } from '../../src/report/index.js';

test('the runtime is the self-contained browser bundle: run alone, it defines the global vega of the installed version', () => {
  const code = vegaRuntime();
  assert.ok(code.length > 100_000, `${code.length} characters`);
  assert.doesNotMatch(code, /<\/script/i, 'nothing in it can end an inline script');
  const context: { vega?: { version?: string; View?: unknown; parse?: unknown } } = {};
  runInNewContext(code, context);
  assert.equal(context.vega?.version, vegaVersion());
  assert.equal(typeof context.vega?.View, 'function');
  assert.equal(typeof context.vega?.parse, 'function');
  assert.match(vegaVersion(), /^6\.\d+\.\d+/);
});
