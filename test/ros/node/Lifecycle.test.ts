import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lifecycle } from '../../../src/ros/node/index.js';
import { recordingLogger } from './fixtures.js';

function machine(results: Partial<Record<string, boolean | 'throw'>> = {}) {
  const calls: string[] = [];
  const cb = (name: string) => (): boolean => {
    calls.push(name);
    const r = results[name] ?? true;
    if (r === 'throw') throw new Error(`${name} broke`);
    return r;
  };
  const logger = recordingLogger();
  const lc = new Lifecycle({ onConfigure: cb('configure'), onActivate: cb('activate'), onDeactivate: cb('deactivate'), onCleanup: cb('cleanup'), onShutdown: cb('shutdown') }, logger);
  return { lc, calls, logger };
}

describe('Lifecycle', () => {
  test('walks the managed-node states', () => {
    const { lc, calls } = machine();
    assert.equal(lc.state, 'unconfigured');
    for (const [t, s] of [['configure', 'inactive'], ['activate', 'active'], ['deactivate', 'inactive'], ['cleanup', 'unconfigured'], ['configure', 'inactive'], ['shutdown', 'finalized']] as const) {
      assert.equal(lc.trigger(t), true);
      assert.equal(lc.state, s);
    }
    assert.deepEqual(calls, ['configure', 'activate', 'deactivate', 'cleanup', 'configure', 'shutdown']);
  });

  test('refuses transitions the state does not allow, naming both', () => {
    const { lc } = machine();
    assert.throws(() => lc.trigger('activate'), /^RangeError: lifecycle: cannot activate from state unconfigured \(allowed from inactive\)$/);
    lc.trigger('shutdown');
    assert.throws(() => lc.trigger('configure'), /cannot configure from state finalized/);
  });

  test('a callback returning false keeps the state; one that throws leaves the node unconfigured', () => {
    const { lc, logger } = machine({ activate: false });
    lc.trigger('configure');
    assert.equal(lc.trigger('activate'), false);
    assert.equal(lc.state, 'inactive');
    const m = machine({ activate: 'throw' });
    m.lc.trigger('configure');
    assert.equal(m.lc.trigger('activate'), false);
    assert.equal(m.lc.state, 'unconfigured');
    assert.match(m.logger.lines.at(-1)!.message, /lifecycle: activate failed: activate broke/);
    assert.match(logger.lines.at(-1)!.message, /activate refused; node stays inactive/);
  });

  test('callbacks() drive the machine, as a bound rclnodejs LifecycleNode does', () => {
    const { lc } = machine();
    const cbs = lc.callbacks();
    assert.equal(cbs.onConfigure(), true);
    assert.equal(cbs.onActivate(), true);
    assert.equal(lc.state, 'active');
  });
});
