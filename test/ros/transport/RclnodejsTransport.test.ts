import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RclnodejsTransport, SENSOR_DATA_QOS, LATCHED_QOS } from '../../../src/ros/index.js';
import type { Rclnodejs } from '../../../src/ros/index.js';

/** A stand-in for rclnodejs 2.2 that records what the transport asks of it. */
function fakeRcl() {
  const calls: Array<[string, ...unknown[]]> = [];
  let callback: ((b: Buffer) => void) | undefined;
  const callbacks = new Map<string, () => number>();
  class Node {
    constructor(readonly name: string) {
      calls.push(['Node', name]);
    }
    createSubscription(type: string, topic: string, options: object, cb: (b: Buffer) => void) {
      calls.push(['createSubscription', type, topic, options]);
      callback = cb;
      return 'sub';
    }
    destroySubscription(s: unknown) {
      calls.push(['destroySubscription', s]);
    }
    createPublisher(type: string, topic: string, options: object) {
      calls.push(['createPublisher', type, topic, options]);
      return { publish: (m: Buffer) => calls.push(['publish', topic, m]) };
    }
    declareParameters(parameters: unknown[], descriptors: unknown[]) {
      calls.push(['declareParameters', parameters, descriptors]);
    }
    now() {
      return { nanoseconds: 1_700_000_000_123_456_789n };
    }
    getFullyQualifiedName() {
      return `/${this.name}`;
    }
    spin() {
      calls.push(['spin']);
    }
    destroy() {
      calls.push(['destroy']);
    }
  }
  class LifecycleNode extends Node {
    registerOnConfigure(cb: () => number) {
      callbacks.set('configure', cb);
    }
    registerOnActivate(cb: () => number) {
      callbacks.set('activate', cb);
    }
    registerOnDeactivate(cb: () => number) {
      callbacks.set('deactivate', cb);
    }
    registerOnCleanup(cb: () => number) {
      callbacks.set('cleanup', cb);
    }
    registerOnShutdown(cb: () => number) {
      callbacks.set('shutdown', cb);
    }
  }
  let shutdown = false;
  const rcl: Rclnodejs = {
    init: async (_c, argv) => void calls.push(['init', argv]),
    shutdown: () => {
      shutdown = true;
    },
    isShutdown: () => shutdown,
    require: (name) => {
      if (name.startsWith('jepa_agent_msgs/')) throw new Error(`package not found: ${name}`);
      return {};
    },
    Node,
    lifecycle: { LifecycleNode, CallbackReturnCode: { SUCCESS: 97, FAILURE: 98, ERROR: 99 } },
    QoS: class {
      constructor(...args: number[]) {
        calls.push(['QoS', ...args]);
      }
    },
    Parameter: class {
      constructor(readonly name: string, readonly type: number, readonly value: unknown) {}
    },
    ParameterDescriptor: class {
      constructor(readonly name: string, readonly type: number, readonly description?: string, readonly readOnly?: boolean) {}
    },
    ParameterType: { PARAMETER_BOOL: 1, PARAMETER_INTEGER: 2, PARAMETER_DOUBLE: 3, PARAMETER_STRING: 4, PARAMETER_STRING_ARRAY: 9, PARAMETER_DOUBLE_ARRAY: 8 },
  };
  return { rcl, calls, deliver: (b: Buffer) => callback?.(b), callbacks };
}

describe('RclnodejsTransport', () => {
  test('raw subscriptions and publishers with the QoS asked for', async () => {
    const { rcl, calls, deliver } = fakeRcl();
    const t = await RclnodejsTransport.create(rcl, { nodeName: 'jepa_agent' });
    assert.equal(t.nodeName, '/jepa_agent');
    const got: Uint8Array[] = [];
    const sub = t.subscribe('~/goal', 'sensor_msgs/msg/Image', SENSOR_DATA_QOS).subscribe((b) => got.push(b));
    const [, type, topic, options] = calls.find((c) => c[0] === 'createSubscription')!;
    assert.equal(type, 'sensor_msgs/msg/Image');
    assert.equal(topic, '/jepa_agent/goal');
    assert.equal((options as { isRaw: boolean }).isRaw, true);
    assert.deepEqual(calls.find((c) => c[0] === 'QoS'), ['QoS', 1, 5, 2, 2], 'keep last 5, best effort, volatile');
    deliver(Buffer.from([0, 1, 0, 0, 1]));
    assert.deepEqual([...got[0]], [0, 1, 0, 0, 1]);
    sub.unsubscribe();
    assert.ok(calls.some((c) => c[0] === 'destroySubscription'));

    const pub = t.createPublisher('/status', 'std_msgs/msg/String', LATCHED_QOS);
    pub.publish(Uint8Array.of(9, 8, 7));
    const sent = calls.find((c) => c[0] === 'publish')!;
    assert.ok(Buffer.isBuffer(sent[2]));
    assert.deepEqual([...(sent[2] as Buffer)], [9, 8, 7]);
    assert.deepEqual(calls.filter((c) => c[0] === 'QoS').at(-1), ['QoS', 1, 1, 1, 1], 'keep last 1, reliable, transient local');
    assert.deepEqual(t.now(), { sec: 1_700_000_000, nanosec: 123_456_789 });
    assert.equal(t.hasType('sensor_msgs/msg/Image'), true);
    assert.equal(t.hasType('jepa_agent_msgs/msg/AgentStatus'), false);
    t.close();
    assert.ok(calls.some((c) => c[0] === 'destroy'));
    assert.equal(rcl.isShutdown(), true);
  });

  test('declares read-only typed parameters (integers as bigint)', async () => {
    const { rcl, calls } = fakeRcl();
    const t = await RclnodejsTransport.create(rcl, { nodeName: 'n' });
    t.declareParameters([
      { name: 'control_rate_hz', kind: 'double', value: 10, description: 'rate' },
      { name: 'qos.sensor_depth', kind: 'integer', value: 5, description: 'depth' },
      { name: 'joint_names', kind: 'string_array', value: ['a', 'b'], description: 'joints' },
    ]);
    const [, params, descriptors] = calls.find((c) => c[0] === 'declareParameters') as [string, Array<{ name: string; type: number; value: unknown }>, Array<{ readOnly: boolean; description: string }>];
    assert.deepEqual(params.map((p) => [p.name, p.type, p.value]), [['control_rate_hz', 3, 10], ['qos.sensor_depth', 2, 5n], ['joint_names', 9, ['a', 'b']]]);
    assert.ok(descriptors.every((d) => d.readOnly));
    assert.equal(descriptors[1].description, 'depth');
  });

  test('a lifecycle node hands its transitions to the callbacks', async () => {
    const { rcl, callbacks } = fakeRcl();
    const plain = await RclnodejsTransport.create(rcl, { nodeName: 'p' });
    assert.equal(plain.bindLifecycle, undefined);
    const t = await RclnodejsTransport.create(rcl, { nodeName: 'l', lifecycle: true });
    const seen: string[] = [];
    t.bindLifecycle!({
      onConfigure: () => (seen.push('configure'), true),
      onActivate: () => (seen.push('activate'), false),
      onDeactivate: () => true,
      onCleanup: () => true,
      onShutdown: () => true,
    });
    assert.equal(callbacks.get('configure')!(), 97);
    assert.equal(callbacks.get('activate')!(), 98);
    assert.deepEqual(seen, ['configure', 'activate']);
  });
});
