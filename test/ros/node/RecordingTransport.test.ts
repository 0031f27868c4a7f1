import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BagReader, BagRecorder } from '../../../src/bag/index.js';
import { timestampFromSeconds, toNanoseconds } from '../../../src/core/index.js';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport, LATCHED_QOS } from '../../../src/ros/index.js';
import { RecordingTransport } from '../../../src/ros/node/index.js';
import { tempDir } from '../../bag/fixtures.js';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
const bool = (data: boolean): Uint8Array => getMessageCodec('std_msgs/msg/Bool').encode({ data });

describe('RecordingTransport', () => {
  test('a topic subscribed twice is recorded once, at the node clock; publishes are recorded; lifecycle binding only when the inner node has it', async () => {
    const tmp = tempDir('recording-transport-');
    try {
      let now = 5;
      const bus = new InProcessBus({ clock: () => timestampFromSeconds(now) });
      const recorder = await BagRecorder.start({ dir: `${tmp.dir}/bag`, thread: 'inline' });
      const inner = new InProcessTransport(bus, 'agent');
      const node = new RecordingTransport(inner, recorder, { exclude: ['/agent/quiet'] });
      assert.equal(node.nodeName, '/agent');
      assert.equal(node.bindLifecycle, undefined, 'the in-process node is not a lifecycle node');
      const a: boolean[] = [];
      const b: boolean[] = [];
      node.subscribe('/estop', 'std_msgs/msg/Bool', DEFAULT_QOS).subscribe((m) => a.push(getMessageCodec('std_msgs/msg/Bool').decode(m).data));
      node.subscribe('/estop', 'std_msgs/msg/Bool', DEFAULT_QOS).subscribe((m) => b.push(getMessageCodec('std_msgs/msg/Bool').decode(m).data));
      assert.throws(() => node.subscribe('/estop', 'std_msgs/msg/String', DEFAULT_QOS), /\/estop is subscribed as std_msgs\/msg\/Bool, not std_msgs\/msg\/String/);
      const other = new InProcessTransport(bus, 'other').createPublisher('/estop', 'std_msgs/msg/Bool', DEFAULT_QOS);
      other.publish(bool(true));
      await settle();
      now = 6;
      other.publish(bool(false));
      await settle();
      node.createPublisher('~/said', 'std_msgs/msg/Bool', LATCHED_QOS).publish(bool(true));
      node.createPublisher('~/quiet', 'std_msgs/msg/Bool', DEFAULT_QOS).publish(bool(true));
      assert.deepEqual(a, [true, false]);
      assert.deepEqual(b, [true, false]);
      await recorder.close();
      const got: Array<[string, bigint, boolean]> = [];
      for await (const m of (await BagReader.open(`${tmp.dir}/bag`)).messages()) got.push([m.topic, m.logTime, getMessageCodec('std_msgs/msg/Bool').decode(m.data).data]);
      const ns = (s: number): bigint => toNanoseconds(timestampFromSeconds(s));
      assert.deepEqual(got, [
        ['/estop', ns(5), true],
        ['/estop', ns(6), false],
        ['/agent/said', ns(6), true],
      ]);
    } finally {
      tmp.cleanup();
    }
  });

  test('a recorder that refuses (closed) does not break the node: messages still flow', async () => {
    const tmp = tempDir('recording-transport-');
    try {
      const bus = new InProcessBus();
      const recorder = await BagRecorder.start({ dir: `${tmp.dir}/bag`, thread: 'inline' });
      await recorder.close();
      const node = new RecordingTransport(new InProcessTransport(bus, 'agent'), recorder);
      const got: Uint8Array[] = [];
      node.subscribe('/estop', 'std_msgs/msg/Bool', DEFAULT_QOS).subscribe((m) => got.push(m));
      new InProcessTransport(bus, 'other').createPublisher('/estop', 'std_msgs/msg/Bool', DEFAULT_QOS).publish(bool(true));
      await settle();
      assert.equal(got.length, 1);
      assert.equal(recorder.stats().dropped, 1, 'counted as dropped, not lost silently');
    } finally {
      tmp.cleanup();
    }
  });
});
