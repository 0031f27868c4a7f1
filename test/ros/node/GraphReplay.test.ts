import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BagReader, BagRecorder, BagSource, recordObservation } from '../../../src/bag/index.js';
import { toNanoseconds } from '../../../src/core/index.js';
import { getMessageCodec, rgbImageToRos, InProcessBus, InProcessTransport, LATCHED_QOS, SENSOR_DATA_QOS } from '../../../src/ros/index.js';
import { GraphReplay } from '../../../src/ros/node/index.js';
import { frame, tempDir } from '../../bag/fixtures.js';
import { recordingLogger } from './fixtures.js';

const GOAL = '/jepa_agent/goal_image';

/** Resolves after the bus has delivered what was published (delivery is scheduled, as over DDS). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('GraphReplay: a bag onto a ROS graph (in-process transport)', () => {
  const tmp = tempDir('graph-replay-');
  const bag = `${tmp.dir}/bag`;
  before(async () => {
    const recorder = await BagRecorder.start({ dir: bag, thread: 'inline', metadata: { jointNames: 'j1,j2,j3' } });
    for (let k = 0; k < 12; k++) {
      recordObservation(recorder, frame(k));
      // A goal image as a live node receives it: raw CDR on the node's goal topic.
      if (k % 5 === 0) recorder.writeRaw(GOAL, 'sensor_msgs/msg/Image', toNanoseconds(frame(k).stamp), getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(frame(k).rgb)));
    }
    await recorder.close();
  });
  after(() => tmp.cleanup());

  test('every CDR message goes out unchanged, in order, on its topic; /clock follows bag time; protobuf records are skipped', async () => {
    const bus = new InProcessBus();
    const listener = new InProcessTransport(bus, 'listener');
    const received: Array<[string, Uint8Array]> = [];
    for (const [topic, type] of [
      ['/camera/color/image_raw', 'sensor_msgs/msg/Image'],
      ['/joint_states', 'sensor_msgs/msg/JointState'],
      ['/camera/depth/points', 'sensor_msgs/msg/PointCloud2'],
    ] as const) {
      listener.subscribe(topic, type, SENSOR_DATA_QOS).subscribe((b) => received.push([topic, b]));
    }
    const clock: bigint[] = [];
    listener.subscribe('/clock', 'rosgraph_msgs/msg/Clock', SENSOR_DATA_QOS).subscribe((b) => clock.push(toNanoseconds(getMessageCodec('rosgraph_msgs/msg/Clock').decode(b).clock)));

    const source = await BagSource.open(bag, { rate: 'max' });
    const player = new InProcessTransport(bus, 'jepa_agent_replay');
    const replay = await GraphReplay.create(player, source, { clockHz: 5, latched: [GOAL] });
    await source.start();
    await settle();
    replay.close();

    const expected: Array<[string, Uint8Array]> = [];
    for await (const m of (await BagReader.open(bag)).messages()) {
      if (['/camera/color/image_raw', '/joint_states', '/camera/depth/points'].includes(m.topic)) expected.push([m.topic, m.data]);
    }
    assert.equal(received.length, 36);
    assert.deepEqual(received, expected, 'the same bytes, in the same order');
    const stats = replay.stats();
    assert.equal(stats.published['/camera/color/image_raw'], 12);
    assert.equal(stats.published[GOAL], 3);
    assert.match(stats.skipped['/agent/arm_state'], /protobuf jepa_agent.ArmState, not CDR/);
    // 12 frames 0.1 s apart, /clock at 5 Hz of bag time: every other frame.
    assert.equal(stats.clock, 6);
    assert.deepEqual(clock, [0, 2, 4, 6, 8, 10].map((k) => toNanoseconds(frame(k).stamp)));
  });

  test('a latched topic reaches a transient-local subscriber that joins after the replay', async () => {
    const bus = new InProcessBus();
    const source = await BagSource.open(bag, { rate: 'max', topics: [GOAL] });
    const replay = await GraphReplay.create(new InProcessTransport(bus, 'jepa_agent_replay'), source, { latched: [GOAL] });
    await source.start();
    replay.close();
    const late: Uint8Array[] = [];
    new InProcessTransport(bus, 'late').subscribe(GOAL, 'sensor_msgs/msg/Image', LATCHED_QOS).subscribe((b) => late.push(b));
    await settle();
    assert.equal(late.length, 1);
    assert.equal(toNanoseconds(getMessageCodec('sensor_msgs/msg/Image').decode(late[0]).header.stamp), toNanoseconds(frame(10).stamp), 'the last goal');
    assert.deepEqual(bus.incompatible, []);
    assert.deepEqual(Object.keys(replay.stats().published), [GOAL], 'only the selected topic');
  });

  test('a type the middleware cannot load is skipped and named, the rest still plays', async () => {
    const bus = new InProcessBus();
    const logger = recordingLogger();
    const player = new InProcessTransport(bus, 'jepa_agent_replay', { hasType: (t) => t !== 'sensor_msgs/msg/PointCloud2' });
    const source = await BagSource.open(bag, { rate: 'max' });
    const replay = await GraphReplay.create(player, source, { logger });
    await source.start();
    replay.close();
    const stats = replay.stats();
    assert.match(stats.skipped['/camera/depth/points'], /no type support for sensor_msgs\/msg\/PointCloud2/);
    assert.equal(stats.published['/joint_states'], 12);
    assert.equal(stats.clock, 0);
    assert.ok(logger.lines.some((l) => l.level === 'warn' && /\/camera\/depth\/points: not published/.test(l.message)));
  });
});
