import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstValueFrom, take, toArray } from 'rxjs';
import { Rng, silentLogger } from '../../../src/core/index.js';
import type { PointCloud, RobotShapes } from '../../../src/core/index.js';
import type { RosMessageMap, RosMessageType } from '../../../src/ros/index.js';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport, pointCloudToRos, rgbImageFromRos, rgbImageToRos } from '../../../src/ros/index.js';
import { BadMessageLog, RosSource } from '../../../src/ros/node/index.js';
import { mutate, mutations, runs } from '../../property.js';
import { ARM_URDF } from '../robot/fixtures.js';
import { nodeParams, recordingLogger } from './fixtures.js';

const header = (frame = 'cam') => ({ stamp: { sec: 10, nanosec: 500 }, frame_id: frame });

function setup(overrides: string[] = []) {
  const bus = new InProcessBus();
  const node = new InProcessTransport(bus, 'jepa_agent');
  const robot = new InProcessTransport(bus, 'robot');
  const logger = recordingLogger();
  const bad = new BadMessageLog(logger);
  const source = new RosSource(node, { params: nodeParams(overrides), pointCount: 4, rng: new Rng(1), bad, logger });
  const send = <K extends RosMessageType>(topic: string, type: K, msg: RosMessageMap[K]): void =>
    robot.createPublisher(topic, type, DEFAULT_QOS).publish(getMessageCodec(type).encode(msg));
  return { bus, source, send, bad, logger, sendRaw: (topic: string, type: string, bytes: Uint8Array) => robot.createPublisher(topic, type, DEFAULT_QOS).publish(bytes) };
}

const image = (encoding: string, data: number[], width = 2, height = 1, step = width * 3) => ({ header: header(), height, width, encoding, is_bigendian: 0, step, data: Uint8Array.from(data) });

describe('RosSource', () => {
  test('colour images in any supported encoding arrive as RGB; a bad one is counted and the stream goes on', async () => {
    const { source, send, bad, logger } = setup();
    const got = firstValueFrom(source.rgb$!.pipe(take(2), toArray()));
    send('/camera/image_raw', 'sensor_msgs/msg/Image', image('bgr8', [1, 2, 3, 4, 5, 6]));
    send('/camera/image_raw', 'sensor_msgs/msg/Image', image('yuv422', [1, 2, 3, 4]));
    send('/camera/image_raw', 'sensor_msgs/msg/Image', image('rgb8', [1, 2, 3]));
    send('/camera/image_raw', 'sensor_msgs/msg/Image', image('mono8', [7, 9], 2, 1, 2));
    const [a, b] = await got;
    assert.deepEqual([...a.data], [3, 2, 1, 6, 5, 4]);
    assert.deepEqual([...b.data], [7, 7, 7, 9, 9, 9]);
    assert.equal(bad.count('/camera/image_raw'), 2);
    assert.match(logger.lines.find((l) => l.level === 'error')?.message ?? '', /^bad message on \/camera\/image_raw, skipped: sensor_msgs\/Image on \/camera\/image_raw: unsupported colour encoding 'yuv422'/);
  });

  test('depth in millimetres gets the intrinsics of the latest CameraInfo', async () => {
    const { source, send } = setup();
    const depth = firstValueFrom(source.depth$!.pipe(take(2), toArray()));
    const mm = new Uint8Array(4);
    new DataView(mm.buffer).setUint16(0, 1500, true);
    const k = Float64Array.of(50, 0, 1, 0, 51, 0.5, 0, 0, 1);
    send('/camera/depth/image_raw', 'sensor_msgs/msg/Image', { ...image('16UC1', [...mm], 2, 1, 4) });
    await new Promise((r) => setTimeout(r, 5));
    send('/camera/camera_info', 'sensor_msgs/msg/CameraInfo', {
      header: header(), height: 1, width: 2, distortion_model: 'plumb_bob', d: new Float64Array(5), k, r: new Float64Array(9), p: new Float64Array(12), binning_x: 0, binning_y: 0,
      roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
    });
    await new Promise((r) => setTimeout(r, 5));
    send('/camera/depth/image_raw', 'sensor_msgs/msg/Image', { ...image('16UC1', [...mm], 2, 1, 4) });
    const [first, second] = await depth;
    assert.equal(first.data[0], 1.5);
    assert.ok(Number.isNaN(first.data[1]), '0 mm is no return');
    assert.equal(first.intrinsics, undefined);
    assert.deepEqual(second.intrinsics, { width: 2, height: 1, fx: 50, fy: 51, cx: 1, cy: 0.5 });
  });

  test('point clouds drop non-finite points and are down-sampled to the model count', async () => {
    const { source, send } = setup();
    const positions = Float32Array.from({ length: 30 }, (_, i) => i);
    positions[3] = NaN;
    positions[7] = Infinity;
    const next = firstValueFrom(source.points$!);
    send('/camera/points', 'sensor_msgs/msg/PointCloud2', pointCloudToRos({ stamp: { sec: 1, nanosec: 0 }, frameId: 'base_link', count: 10, positions }));
    const cloud = await next;
    assert.equal(cloud.count, 4);
    for (const v of cloud.positions) assert.ok(Number.isFinite(v));
  });

  test('joint states are mapped by name, with the end-effector pose and the gripper opening', async () => {
    const { source, send, bad } = setup(['joint_names=[a, b]', 'gripper.joint=finger', 'gripper.closed=0', 'gripper.open=0.04', 'topics.ee_pose=/ee']);
    const proprio = firstValueFrom(source.proprio$!.pipe(take(2), toArray()));
    send('/ee', 'geometry_msgs/msg/PoseStamped', { header: header('base_link'), pose: { position: { x: 0.3, y: 0, z: 0.2 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } });
    await new Promise((r) => setTimeout(r, 5));
    const js = (names: string[], pos: number[]) => ({ header: header('base_link'), name: names, position: Float64Array.from(pos), velocity: new Float64Array(0), effort: new Float64Array(0) });
    send('/joint_states', 'sensor_msgs/msg/JointState', js(['finger', 'b', 'x', 'a'], [0.01, 2, 9, 1]));
    send('/joint_states', 'sensor_msgs/msg/JointState', js(['a', 'c'], [1, 2]));
    send('/joint_states', 'sensor_msgs/msg/JointState', js(['b', 'a', 'finger'], [4, 3, 0.04]));
    const [p, q] = await proprio;
    assert.deepEqual([...p.positions], [1, 2]);
    assert.deepEqual([...p.velocities], [0, 0]);
    assert.equal(p.gripper, 0.25);
    assert.deepEqual(p.endEffector.position, [0.3, 0, 0.2]);
    assert.deepEqual([...q.positions], [3, 4]);
    assert.equal(q.gripper, 1);
    assert.equal(bad.count('/joint_states'), 1, 'the message without b and finger');
  });

  test('bytes of another type are counted as bad, not thrown', async () => {
    const { source, sendRaw, bad } = setup();
    const got = firstValueFrom(source.goal$);
    sendRaw('/jepa_agent/goal_image', 'sensor_msgs/msg/Image', Uint8Array.of(0, 1, 0, 0, 1, 2));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(bad.count('~/goal_image'), 1);
    const ok = getMessageCodec('sensor_msgs/msg/Image').encode(image('rgb8', [1, 2, 3, 4, 5, 6]));
    sendRaw('/jepa_agent/goal_image', 'sensor_msgs/msg/Image', ok);
    const goal = await got;
    assert.deepEqual([...goal.rgb!.data], [1, 2, 3, 4, 5, 6]);
    assert.equal(goal.proprio, undefined);
  });

  test('compressed colour when configured, and clear-goal on true only', async () => {
    const { source, send } = setup(['topics.rgb_compressed=/camera/image_raw/compressed']);
    const { PNG } = await import('pngjs');
    const png = new PNG({ width: 1, height: 1 });
    png.data.set([10, 20, 30, 255]);
    const rgb = firstValueFrom(source.rgb$!);
    send('/camera/image_raw/compressed', 'sensor_msgs/msg/CompressedImage', { header: header(), format: 'png', data: PNG.sync.write(png) });
    assert.deepEqual([...(await rgb).data], [10, 20, 30]);
    let clears = 0;
    const s = source.clearGoal$.subscribe(() => clears++);
    send('/jepa_agent/clear_goal', 'std_msgs/msg/Bool', { data: false });
    send('/jepa_agent/clear_goal', 'std_msgs/msg/Bool', { data: true });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(clears, 1);
    s.unsubscribe();
  });

  test('a cloud in a camera frame is brought into the base frame by tf at its stamp; one tf cannot place is counted, naming both frames', async () => {
    const { source, send, bad, logger } = setup(['self_filter.tf_tolerance_ms=0']);
    const clouds: PointCloud[] = [];
    const sub = source.points$!.subscribe((c) => clouds.push(c));
    // The camera 1 m above the base looking straight down (optical z = base -z, optical x = base x).
    send('/tf_static', 'tf2_msgs/msg/TFMessage', {
      transforms: [{ header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'base_link' }, child_frame_id: 'camera_optical', transform: { translation: { x: 0.4, y: 0, z: 1 }, rotation: { x: 1, y: 0, z: 0, w: 0 } } }],
    });
    await new Promise((r) => setTimeout(r, 5));
    const cloud = (frameId: string) => pointCloudToRos({ stamp: { sec: 3, nanosec: 0 }, frameId, count: 4, positions: Float32Array.of(0, 0, 1, 0.1, 0.2, 0.9, -0.1, 0, 1, 0, -0.2, 0.95) });
    send('/camera/points', 'sensor_msgs/msg/PointCloud2', cloud('camera_optical'));
    send('/camera/points', 'sensor_msgs/msg/PointCloud2', cloud('wrist_camera'));
    await new Promise((r) => setTimeout(r, 5));
    sub.unsubscribe();
    assert.equal(clouds.length, 1);
    assert.equal(clouds[0].frameId, 'base_link');
    // Points straight below the camera land on the table (z 0), 10 cm up where the depth was 0.9.
    const points = [...clouds[0].positions].map((v) => Math.round(v * 1000) / 1000);
    const triples = [0, 3, 6, 9].map((i) => points.slice(i, i + 3).join(' ')).sort();
    assert.deepEqual(triples, ['0.3 0 0', '0.4 0 0', '0.4 0.2 0.05', '0.5 -0.2 0.1'].sort());
    assert.equal(bad.count('/camera/points'), 1);
    assert.ok(
      logger.lines.some((l) => /a cloud in frame 'wrist_camera' cannot be brought into 'base_link': no transform from 'wrist_camera' to 'base_link'/.test(l.message)),
      logger.lines.map((l) => l.message).join('\n'),
    );
  });

  test("the robot's shapes for each cloud come from the URDF and tf, in the cloud's frame at its stamp; bad descriptions and transforms are counted", async () => {
    const { source, send, bad, logger } = setup(['self_filter.frame_prefix=ur_', 'self_filter.tf_tolerance_ms=20', 'frames.base=world']);
    const shapes: RobotShapes[] = [];
    const sub = source.robotShapes$!.subscribe((s) => shapes.push(s));
    const pause = () => new Promise((r) => setTimeout(r, 5));
    const transform = (sec: number, nanosec: number, parent: string, child: string, z: number) => ({
      header: { stamp: { sec, nanosec }, frame_id: parent },
      child_frame_id: child,
      transform: { translation: { x: 0, y: 0, z }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    const cloud = (sec: number, nanosec: number) =>
      pointCloudToRos({ stamp: { sec, nanosec }, frameId: 'world', count: 2, positions: Float32Array.of(0, 0, 0.45, 0.9, 0, 0.02) });
    send('/robot_description', 'std_msgs/msg/String', { data: '<robot name="broken"><link name="a"></robot>' });
    send('/robot_description', 'std_msgs/msg/String', { data: ARM_URDF });
    send('/tf_static', 'tf2_msgs/msg/TFMessage', { transforms: [transform(0, 0, 'world', 'ur_base_link', 0)] });
    send('/tf', 'tf2_msgs/msg/TFMessage', {
      transforms: [transform(7, 0, 'ur_base_link', 'ur_link_1', 0.1), transform(7, 0, 'ur_link_1', 'ur_link_2', 0.4)],
    });
    send('/tf', 'tf2_msgs/msg/TFMessage', { transforms: [{ ...transform(7, 1, 'ur_base_link', 'ur_link_1', 0.1), transform: { translation: { x: 0, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 0 } } }] });
    await pause();
    send('/camera/points', 'sensor_msgs/msg/PointCloud2', cloud(7, 10_000_000)); // 10 ms past the newest transform: held
    send('/camera/points', 'sensor_msgs/msg/PointCloud2', cloud(7, 500_000_000)); // 500 ms past it: none
    await pause();
    sub.unsubscribe();
    assert.equal(shapes.length, 1);
    assert.deepEqual(shapes[0].stamp, { sec: 7, nanosec: 10_000_000 });
    assert.equal(shapes[0].frameId, 'world');
    // The forearm mesh cannot be found here: box, capsule, sphere.
    assert.deepEqual(shapes[0].shapes.map((s) => s.kind), ['box', 'capsule', 'sphere']);
    assert.deepEqual(shapes[0].shapes[1].position, [0, 0, 0.30000000000000004]);
    assert.equal(bad.count('/robot_description'), 1);
    assert.equal(bad.count('/tf'), 1);
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    assert.ok(warnings.some((w) => /^self-filter: 1 collision elements left out .*link 'link_2': mesh 'package:/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /^self-filter: no robot shapes for 1 cloud\(s\) so far; latest: link 'link_1': transform 'ur_base_link' -> 'ur_link_1' is asked 500.0 ms after/.test(w)), warnings.join('\n'));
    assert.ok(logger.lines.some((l) => l.message === "self-filter: robot 'test_arm', 3 collision shapes on 3 links from /robot_description"));
  });

  test('an empty topic name leaves that stream out', () => {
    const { source } = setup(['topics.depth=', 'topics.points=']);
    assert.equal(source.depth$, undefined);
    assert.equal(source.points$, undefined);
    assert.equal(source.robotShapes$, undefined, 'shapes are posed for clouds');
    assert.equal(source.actionSpace.kind, 'joint_delta');
    assert.deepEqual(source.actionSpace.names, ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll', 'gripper']);
    void silentLogger;
  });
});

describe('RosSource goal image properties', () => {
  test('any run of goal images, some damaged: every one that decodes becomes a goal, in order, the others are counted; the stream never fails', async () => {
    const codec = getMessageCodec('sensor_msgs/msg/Image');
    const goal = fc.record({ width: fc.integer({ min: 1, max: 4 }), height: fc.integer({ min: 1, max: 3 }), pixels: fc.uint8Array({ minLength: 36, maxLength: 36 }), damage: fc.option(mutations(), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(goal, { minLength: 1, maxLength: 6 }), async (goals) => {
        const { source, sendRaw, bad } = setup();
        const seen: number[][] = [];
        let failed: unknown;
        const sub = source.goal$.subscribe({ next: (g) => seen.push([...g.rgb!.data]), error: (e: unknown) => (failed = e) });
        const expected: number[][] = [];
        let rejected = 0;
        for (const { width, height, pixels, damage } of goals) {
          const clean = codec.encode(rgbImageToRos({ stamp: { sec: 1, nanosec: 2 }, frameId: 'goal', width, height, data: pixels.slice(0, 3 * width * height) }));
          const bytes = damage === undefined ? clean : mutate(clean, damage);
          try {
            expected.push([...rgbImageFromRos(codec.decode(bytes), '/jepa_agent/goal_image').data]);
          } catch {
            rejected++;
          }
          sendRaw('/jepa_agent/goal_image', 'sensor_msgs/msg/Image', bytes);
        }
        await new Promise((r) => setTimeout(r, 2));
        sub.unsubscribe();
        assert.equal(failed, undefined);
        assert.deepEqual(seen, expected);
        assert.equal(bad.count('~/goal_image'), rejected);
      }),
      runs(40),
    );
  });
});
