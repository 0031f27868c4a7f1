import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng, type PointCloud } from '../../../src/core/index.js';
import {
  POINT_FIELD_DATATYPE as DT,
  type PointCloud2Msg,
  type PointFieldMsg,
  getMessageCodec,
  pointCloudFromRos,
  pointCloudToRos,
} from '../../../src/ros/index.js';
import { mutate, mutations, runs, timed, valueOrNamedError, withTypedArrayLimit } from '../../property.js';
import { arbitraryMessage } from './arbitraryMessage.js';
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

describe('sensor_msgs/PointCloud2 properties', () => {
  const SIZES = [0, 1, 1, 2, 2, 4, 4, 4, 8];
  const INTEGER = [DT.INT8, DT.UINT8, DT.INT16, DT.UINT16, DT.INT32, DT.UINT32];
  interface Spec {
    name: string;
    datatype: number;
  }
  const coordinate = fc.constantFrom(DT.FLOAT32, DT.FLOAT64);
  /** The fields of a layout: x, y, z, maybe a colour (packed or split), maybe a segment id, maybe unused fields. */
  const specs: fc.Arbitrary<Spec[]> = fc
    .tuple(
      coordinate,
      coordinate,
      coordinate,
      fc.constantFrom('none', 'rgb', 'rgba', 'split'),
      fc.constantFrom(DT.FLOAT32, DT.UINT32, DT.INT32),
      fc.option(fc.tuple(fc.constantFrom('segment', 'label', 'segment_id', 'instance_id'), fc.constantFrom(...INTEGER)), { nil: undefined }),
      fc.array(fc.tuple(fc.constantFrom('intensity', 'ring', 'time', 'normal_x'), fc.integer({ min: 1, max: 8 })), { maxLength: 2 }),
    )
    .map(([x, y, z, colour, packedType, segment, extra]) => [
      { name: 'x', datatype: x },
      { name: 'y', datatype: y },
      { name: 'z', datatype: z },
      ...(colour === 'none' ? [] : colour === 'split' ? ['r', 'g', 'b'].map((name) => ({ name, datatype: DT.UINT8 })) : [{ name: colour, datatype: packedType }]),
      ...(segment === undefined ? [] : [{ name: segment[0], datatype: segment[1] }]),
      ...extra.map(([name, datatype]) => ({ name, datatype })),
    ]);
  const layoutArb = fc.record({
    specs: specs.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }), fc.array(fc.nat({ max: 5 }), { minLength: list.length, maxLength: list.length }))),
    width: fc.nat({ max: 5 }),
    height: fc.integer({ min: 1, max: 3 }),
    pointPad: fc.nat({ max: 6 }),
    rowPad: fc.nat({ max: 9 }),
    bigEndian: fc.boolean(),
    values: fc.array(fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 1e39)), { minLength: 3 * 15, maxLength: 3 * 15 }),
    bytes: fc.uint8Array({ minLength: 8 * 15, maxLength: 8 * 15 }),
  });

  function write(view: DataView, offset: number, datatype: number, value: number, little: boolean): void {
    switch (datatype) {
      case DT.INT8: return view.setInt8(offset, value);
      case DT.UINT8: return view.setUint8(offset, value);
      case DT.INT16: return view.setInt16(offset, value, little);
      case DT.UINT16: return view.setUint16(offset, value, little);
      case DT.INT32: return view.setInt32(offset, value, little);
      case DT.UINT32: return view.setUint32(offset, value, little);
      case DT.FLOAT32: return view.setFloat32(offset, value, little);
      default: return view.setFloat64(offset, value, little);
    }
  }

  test('any layout (FLOAT32/FLOAT64 xyz at any offsets, packed or split colour, any integer segment id, padding, organised, either byte order): the points it holds', () => {
    fc.assert(
      fc.property(layoutArb, ({ specs: [list, order, gaps], width, height, pointPad, rowPad, bigEndian, values, bytes }) => {
        const little = !bigEndian;
        let offset = 0;
        const fields: PointFieldMsg[] = order.map((spec, i) => {
          offset += gaps[i];
          const f = { name: spec.name, offset, datatype: spec.datatype, count: 1 };
          offset += SIZES[spec.datatype];
          return f;
        });
        const byName = new Map(fields.map((f) => [f.name, f]));
        const pointStep = offset + pointPad;
        const rowStep = width * pointStep + rowPad;
        const data = new Uint8Array(rowStep * height).fill(0xab);
        const view = new DataView(data.buffer);
        const expected = { positions: [] as number[], colors: [] as number[], segments: [] as number[] };
        for (let i = 0; i < width * height; i++) {
          const at = Math.floor(i / width) * rowStep + (i % width) * pointStep;
          const xyz = [values[3 * i], values[3 * i + 1], values[3 * i + 2]];
          ['x', 'y', 'z'].forEach((n, k) => write(view, at + byName.get(n)!.offset, byName.get(n)!.datatype, xyz[k], little));
          const b = bytes.subarray(8 * i, 8 * i + 8);
          const packed = byName.get('rgb') ?? byName.get('rgba');
          if (packed !== undefined) view.setUint32(at + packed.offset, (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3], little);
          for (const [k, n] of ['r', 'g', 'b'].entries()) if (byName.has(n)) view.setUint8(at + byName.get(n)!.offset, b[k]);
          const segment = list.find((s) => ['segment', 'label', 'segment_id', 'instance_id'].includes(s.name));
          const raw = new DataView(b.buffer, b.byteOffset + 4, 4);
          const id = segment === undefined ? 0 : [0, raw.getInt8(0), raw.getUint8(0), raw.getInt16(0), raw.getUint16(0), raw.getInt32(0), raw.getUint32(0)][segment.datatype];
          if (segment !== undefined) write(view, at + byName.get(segment.name)!.offset, segment.datatype, id, little);
          const f = xyz.map((v, k) => Math.fround(byName.get('xyz'[k])!.datatype === DT.FLOAT32 ? Math.fround(v) : v));
          if (!f.every(Number.isFinite)) continue;
          expected.positions.push(...f);
          if (packed !== undefined) expected.colors.push(b[1], b[2], b[3]);
          else if (byName.has('r')) expected.colors.push(b[0], b[1], b[2]);
          if (segment !== undefined) expected.segments.push(id | 0);
        }
        const msg: PointCloud2Msg = { header: header(), height, width, fields, is_bigendian: bigEndian, point_step: pointStep, row_step: rowStep, data, is_dense: false };
        const cloud = pointCloudFromRos(viaCdr(msg), { topic: '/points' });
        assert.equal(cloud.count, expected.positions.length / 3);
        assert.deepEqual([...cloud.positions], expected.positions);
        assert.deepEqual(cloud.colors === undefined ? undefined : [...cloud.colors], byName.has('rgb') || byName.has('rgba') || byName.has('r') ? expected.colors : undefined);
        assert.deepEqual(cloud.segments === undefined ? undefined : [...cloud.segments], list.some((s) => ['segment', 'label', 'segment_id', 'instance_id'].includes(s.name)) ? expected.segments : undefined);
      }),
      runs(150),
    );
  });

  test('any core cloud round-trips through PointCloud2 and CDR', () => {
    fc.assert(
      fc.property(fc.nat({ max: 12 }), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (n, colours, segments, seed) => {
        const full = cloudOf(n, seed);
        const cloud: PointCloud = { stamp: full.stamp, frameId: full.frameId, count: n, positions: full.positions, ...(colours ? { colors: full.colors } : {}), ...(segments ? { segments: full.segments } : {}) };
        assert.deepEqual(pointCloudFromRos(viaCdr(pointCloudToRos(cloud))), cloud);
      }),
      runs(40),
    );
  });

  test('any PointCloud2 message, also with damaged CDR: a cloud no larger than its data or a RangeError naming the topic, never sized beyond its data', () => {
    const fieldArb = fc.record(
      { name: fc.constantFrom('x', 'y', 'z', 'rgb', 'rgba', 'r', 'g', 'b', 'segment', 'label', 'intensity', ''), offset: fc.oneof(fc.nat({ max: 24 }), fc.nat()), datatype: fc.nat({ max: 10 }), count: fc.nat({ max: 3 }) },
      { noNullPrototype: true },
    );
    const msgArb = fc
      .tuple(arbitraryMessage('sensor_msgs/msg/PointCloud2', { bytes: 160 }), fc.array(fieldArb, { maxLength: 8 }), fc.nat({ max: 8 }), fc.nat({ max: 4 }), fc.nat({ max: 40 }), fc.nat({ max: 200 }), fc.boolean())
      .map(([m, fields, w, h, step, row, plausible]) => (plausible ? { ...m, header: header(), fields, width: w, height: h, point_step: step, row_step: row } : { ...m, fields: [...fields, ...m.fields] }));
    fc.assert(
      fc.property(msgArb, fc.option(mutations(), { nil: undefined }), (msg, damage) => {
        let input: PointCloud2Msg | undefined = msg;
        if (damage !== undefined) {
          input = valueOrNamedError(() => codec.decode(mutate(codec.encode(msg), damage)), /MessageCodec sensor_msgs\/msg\/PointCloud2/);
          if (input === undefined) return;
        }
        const { value, ms } = timed(() =>
          withTypedArrayLimit(12 * input.data.length + 64, () => valueOrNamedError(() => pointCloudFromRos(input, { topic: '/points' }), /^sensor_msgs\/PointCloud2 on \/points: /)),
        );
        assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
        if (value !== undefined) {
          assert.ok(value.count <= input.width * input.height);
          assert.equal(value.positions.length, 3 * value.count);
        }
      }),
      runs(300),
    );
  });

  test('a cloud of no point claiming a billion empty rows (found by bench/fuzz.ts: 1.3 s for a 258-byte message) is empty at once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 << 28, max: 0xffff_ffff }), fc.boolean(), (rows, transpose) => {
        const msg: PointCloud2Msg = { ...pointCloudToRos(cloudOf(2, 1)), width: transpose ? rows : 0, height: transpose ? 0 : rows, row_step: 100 };
        const { value, ms } = timed(() => pointCloudFromRos(viaCdr(msg), { topic: '/points' }));
        assert.equal(value.count, 0);
        assert.ok(ms < 100, `took ${ms.toFixed(0)} ms`);
      }),
      runs(10),
    );
  });

  test('a cloud claiming gigabytes of points in a few bytes is refused at once, naming the sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 << 16, max: 0xffff_ffff }), fc.integer({ min: 1, max: 0xffff_ffff }), fc.integer({ min: 12, max: 0xffff_ffff }), (width, height, pointStep) => {
        const msg: PointCloud2Msg = { ...pointCloudToRos(cloudOf(2, 1)), width, height, point_step: pointStep, row_step: Math.min(width * pointStep, 0xffff_ffff) };
        const { ms } = timed(() => withTypedArrayLimit(1024, () => assert.throws(() => pointCloudFromRos(viaCdr(msg), { topic: '/points' }), /^RangeError: sensor_msgs\/PointCloud2 on \/points: (data has \d+ bytes, expected at least|row_step|point_step)/)));
        assert.ok(ms < 100, `took ${ms.toFixed(0)} ms`);
      }),
      runs(40),
    );
  });
});
