import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, type PointCloud } from '../../../src/core/index.js';
import {
  POINT_FIELD_DATATYPE as DT,
  type PointCloud2Msg,
  type PointFieldMsg,
  getMessageCodec,
  pointCloudFromRos,
  pointCloudToRos,
} from '../../../src/ros/index.js';
import { header } from './fixtures.js';

const codec = getMessageCodec('sensor_msgs/msg/PointCloud2');

function viaCdr(msg: PointCloud2Msg): PointCloud2Msg {
  return codec.decode(codec.encode(msg));
}

function f32(values: number[]): number[] {
  return values.map(Math.fround);
}

interface HandPoint {
  xyz: [number, number, number];
  rgba: number;
  label: number;
}

/**
 * An organised 2x3 big-endian cloud in a layout no writer of ours produces: FLOAT64 x, y, z
 * at unaligned, non-contiguous offsets, a UINT32 `rgba` between y and z, a UINT32 `label`,
 * an unused FLOAT32 field, 4 bytes of padding per point and 8 per row, fields listed out of
 * offset order; every unused byte is 0xab so a misplaced read shows.
 */
function handBuiltCloud(points: HandPoint[]): PointCloud2Msg {
  const width = 3;
  const height = 2;
  const pointStep = 40;
  const rowStep = width * pointStep + 8;
  const fields: PointFieldMsg[] = [
    { name: 'z', offset: 24, datatype: DT.FLOAT64, count: 1 },
    { name: 'label', offset: 32, datatype: DT.UINT32, count: 1 },
    { name: 'x', offset: 4, datatype: DT.FLOAT64, count: 1 },
    { name: 'intensity', offset: 0, datatype: DT.FLOAT32, count: 1 },
    { name: 'rgba', offset: 20, datatype: DT.UINT32, count: 1 },
    { name: 'y', offset: 12, datatype: DT.FLOAT64, count: 1 },
  ];
  const data = new Uint8Array(rowStep * height).fill(0xab);
  const view = new DataView(data.buffer);
  points.forEach((p, i) => {
    const o = Math.floor(i / width) * rowStep + (i % width) * pointStep;
    view.setFloat32(o, 99, false);
    view.setFloat64(o + 4, p.xyz[0], false);
    view.setFloat64(o + 12, p.xyz[1], false);
    view.setUint32(o + 20, p.rgba, false);
    view.setFloat64(o + 24, p.xyz[2], false);
    view.setUint32(o + 32, p.label, false);
  });
  return { header: header(11, 12, 'lidar'), height, width, fields, is_bigendian: true, point_step: pointStep, row_step: rowStep, data, is_dense: false };
}

const HAND_POINTS: HandPoint[] = [
  { xyz: [1, 2, 3], rgba: 0x00ff8001, label: 7 },
  { xyz: [NaN, 0, 0], rgba: 0, label: 1 },
  { xyz: [-1.5, 0.25, 1000], rgba: 0x80010203, label: 0 },
  { xyz: [0, 0, Infinity], rgba: 0, label: 2 },
  { xyz: [4, 5, 6], rgba: 0x00102030, label: 42 },
  { xyz: [0.001, -2, 0.1], rgba: 0xffffffff, label: 0xffffffff },
];

function cloudOf(n: number, seed: number): PointCloud {
  const rng = new Rng(seed);
  const positions = new Float32Array(3 * n);
  for (let i = 0; i < positions.length; i++) positions[i] = rng.normal();
  return {
    stamp: { sec: 100, nanosec: 200 },
    frameId: 'base_link',
    count: n,
    positions,
    colors: Uint8Array.from({ length: 3 * n }, () => rng.int(0, 256)),
    segments: Int32Array.from({ length: n }, () => rng.int(-1, 20)),
  };
}

describe('sensor_msgs/PointCloud2 -> PointCloud', () => {
  test('a hand-built big-endian organised FLOAT64 cloud with padding and NaNs decodes to the right points', () => {
    const cloud = pointCloudFromRos(viaCdr(handBuiltCloud(HAND_POINTS)));
    assert.equal(cloud.count, 4);
    assert.deepEqual([...cloud.positions], f32([1, 2, 3, -1.5, 0.25, 1000, 4, 5, 6, 0.001, -2, 0.1]));
    assert.deepEqual([...(cloud.colors ?? [])], [0xff, 0x80, 0x01, 0x01, 0x02, 0x03, 0x10, 0x20, 0x30, 0xff, 0xff, 0xff]);
    // UINT32 0xffffffff wraps to -1, the core's "no segment".
    assert.deepEqual([...(cloud.segments ?? [])], [7, 0, 42, -1]);
    assert.deepEqual({ stamp: cloud.stamp, frameId: cloud.frameId }, { stamp: { sec: 11, nanosec: 12 }, frameId: 'lidar' });
  });

  test('the same points little endian with FLOAT32 xyz and a FLOAT32 packed rgb, as PCL writes them', () => {
    const pointStep = 32;
    const fields: PointFieldMsg[] = [
      { name: 'x', offset: 0, datatype: DT.FLOAT32, count: 1 },
      { name: 'y', offset: 4, datatype: DT.FLOAT32, count: 1 },
      { name: 'z', offset: 8, datatype: DT.FLOAT32, count: 1 },
      { name: 'rgb', offset: 16, datatype: DT.FLOAT32, count: 1 },
      { name: 'segment', offset: 20, datatype: DT.INT32, count: 1 },
    ];
    const data = new Uint8Array(pointStep * 2);
    const view = new DataView(data.buffer);
    const packed = new DataView(new ArrayBuffer(4));
    [[0.5, -0.5, 2, 0x0a0b0c, 3], [NaN, NaN, NaN, 0, 1]].forEach(([x, y, z, rgb, seg], i) => {
      view.setFloat32(i * pointStep, x, true);
      view.setFloat32(i * pointStep + 4, y, true);
      view.setFloat32(i * pointStep + 8, z, true);
      // PCL: uint32 0x00RRGGBB reinterpreted as a float and stored as that float.
      packed.setUint32(0, rgb, true);
      view.setFloat32(i * pointStep + 16, packed.getFloat32(0, true), true);
      view.setInt32(i * pointStep + 20, seg, true);
    });
    const msg: PointCloud2Msg = { header: header(), height: 1, width: 2, fields, is_bigendian: false, point_step: pointStep, row_step: 0, data, is_dense: false };
    const cloud = pointCloudFromRos(viaCdr(msg));
    assert.equal(cloud.count, 1);
    assert.deepEqual([...cloud.positions], [0.5, -0.5, 2]);
    assert.deepEqual([...(cloud.colors ?? [])], [0x0a, 0x0b, 0x0c]);
    assert.deepEqual([...(cloud.segments ?? [])], [3]);
  });

  test('separate UINT8 r, g, b fields; no colour or segment fields means none in the cloud', () => {
    const fields: PointFieldMsg[] = [
      { name: 'x', offset: 0, datatype: DT.FLOAT32, count: 1 },
      { name: 'y', offset: 4, datatype: DT.FLOAT32, count: 1 },
      { name: 'z', offset: 8, datatype: DT.FLOAT32, count: 1 },
      { name: 'b', offset: 12, datatype: DT.UINT8, count: 1 },
      { name: 'g', offset: 13, datatype: DT.UINT8, count: 1 },
      { name: 'r', offset: 14, datatype: DT.UINT8, count: 1 },
    ];
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat32(8, 1, true);
    data.set([30, 20, 10], 12);
    const base = { header: header(), height: 1, width: 1, is_bigendian: false, point_step: 16, row_step: 16, data, is_dense: true };
    assert.deepEqual([...(pointCloudFromRos({ ...base, fields }).colors ?? [])], [10, 20, 30]);
    const plain = pointCloudFromRos({ ...base, fields: fields.slice(0, 3) });
    assert.equal(plain.colors, undefined);
    assert.equal(plain.segments, undefined);
    assert.deepEqual([...plain.positions], [0, 0, 1]);
  });

  test('down-sampling keeps a seeded uniform subset in the original order', () => {
    const full = cloudOf(200, 1);
    const msg = pointCloudToRos(full);
    const a = pointCloudFromRos(msg, { maxPoints: 25, rng: new Rng(7) });
    const b = pointCloudFromRos(msg, { maxPoints: 25, rng: new Rng(7) });
    const c = pointCloudFromRos(msg, { maxPoints: 25, rng: new Rng(8) });
    assert.equal(a.count, 25);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.positions, c.positions);
    // Every kept point is an original point, with its own colour and segment, in order.
    const none = new Uint8Array(0);
    let last = -1;
    for (let i = 0; i < a.count; i++) {
      const j = [...Array(full.count).keys()].find((k) => full.positions[3 * k] === a.positions[3 * i] && full.positions[3 * k + 1] === a.positions[3 * i + 1]);
      assert.ok(j !== undefined && j > last, `point ${i} comes from the original, after the previous one`);
      assert.deepEqual([...(a.colors ?? none).subarray(3 * i, 3 * i + 3)], [...(full.colors ?? none).subarray(3 * j, 3 * j + 3)]);
      assert.equal(a.segments?.[i], full.segments?.[j]);
      last = j;
    }
    assert.equal(pointCloudFromRos(msg, { maxPoints: 500 }).count, 200, 'fewer points than maxPoints: all kept, no rng needed');
    assert.throws(() => pointCloudFromRos(msg, { maxPoints: 10 }), /down-sampling 200 points to 10 needs a seeded rng/);
  });

  test('a custom segment field name', () => {
    const msg = pointCloudToRos(cloudOf(3, 2), { segmentField: 'instance' });
    assert.equal(msg.fields[4].name, 'instance');
    assert.equal(pointCloudFromRos(msg).segments, undefined);
    assert.deepEqual(pointCloudFromRos(msg, { segmentFields: ['instance'] }).segments, cloudOf(3, 2).segments);
  });

  test('layout errors name the cloud and the problem', () => {
    const good = handBuiltCloud(HAND_POINTS);
    assert.throws(
      () => pointCloudFromRos({ ...good, fields: good.fields.filter((f) => f.name !== 'z') }, { topic: '/points' }),
      /sensor_msgs\/PointCloud2 on \/points: no 'z' field \(fields: label:UINT32@32, x:FLOAT64@4, intensity:FLOAT32@0, rgba:UINT32@20, y:FLOAT64@12\)/,
    );
    const int16x = good.fields.map((f) => (f.name === 'x' ? { ...f, datatype: DT.INT16 } : f));
    assert.throws(() => pointCloudFromRos({ ...good, fields: int16x }), /\(frame 'lidar'\): field 'x' is INT16, expected FLOAT32 or FLOAT64/);
    assert.throws(() => pointCloudFromRos({ ...good, point_step: 32 }), /point_step 32 is shorter than its fields, which end at byte 36/);
    assert.throws(() => pointCloudFromRos({ ...good, row_step: 100 }), /row_step 100 is less than width 3 x point_step 40/);
    assert.throws(() => pointCloudFromRos({ ...good, data: good.data.subarray(0, 200) }), /data has 200 bytes, expected at least 244 for 3x2 points of 40 bytes \(row_step 128\)/);
    const vectorX = good.fields.map((f) => (f.name === 'x' ? { ...f, count: 3 } : f));
    assert.throws(() => pointCloudFromRos({ ...good, fields: vectorX }), /field 'x' has count 3, expected 1/);
  });
});

describe('PointCloud -> sensor_msgs/PointCloud2', () => {
  test('core -> ROS -> CDR -> ROS -> core is the identity', () => {
    const cloud = cloudOf(50, 3);
    const msg = pointCloudToRos(cloud);
    assert.deepEqual(msg.fields.map((f) => [f.name, f.offset, f.datatype]), [
      ['x', 0, DT.FLOAT32], ['y', 4, DT.FLOAT32], ['z', 8, DT.FLOAT32], ['rgb', 12, DT.FLOAT32], ['segment', 16, DT.INT32],
    ]);
    assert.deepEqual([msg.height, msg.width, msg.point_step, msg.row_step, msg.is_bigendian, msg.is_dense], [1, 50, 20, 1000, false, true]);
    assert.deepEqual(pointCloudFromRos(viaCdr(msg)), cloud);
  });

  test('rgb is packed as PCL packs it; xyz-only clouds are 12 bytes a point', () => {
    const cloud: PointCloud = { stamp: { sec: 0, nanosec: 0 }, frameId: 'f', count: 1, positions: Float32Array.of(1, 2, 3), colors: Uint8Array.of(0x12, 0x34, 0x56) };
    const msg = pointCloudToRos(cloud);
    assert.equal(new DataView(msg.data.buffer).getUint32(12, true), 0x123456);
    const bare = pointCloudToRos({ ...cloud, colors: undefined });
    assert.equal(bare.point_step, 12);
    assert.deepEqual(pointCloudFromRos(viaCdr(bare)), { stamp: cloud.stamp, frameId: 'f', count: 1, positions: cloud.positions });
  });

  test('an empty cloud, a NaN point (is_dense false) and size mismatches', () => {
    const empty: PointCloud = { stamp: { sec: 0, nanosec: 0 }, frameId: 'f', count: 0, positions: new Float32Array(0) };
    assert.deepEqual(pointCloudFromRos(viaCdr(pointCloudToRos(empty))), empty);
    const withNaN = pointCloudToRos({ ...empty, count: 2, positions: Float32Array.of(1, 2, 3, NaN, 0, 0) });
    assert.equal(withNaN.is_dense, false);
    assert.equal(pointCloudFromRos(withNaN).count, 1);
    assert.throws(() => pointCloudToRos({ ...empty, count: 2 }), /point cloud: 2 points need 6 positions, got 0/);
    assert.throws(() => pointCloudToRos({ ...empty, segments: Int32Array.of(1) }), /0 points need 0 segment ids, got 1/);
  });
});
