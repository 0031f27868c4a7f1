import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '@foxglove/rosmsg';
import { checkMessage } from '../../../src/ros/index.js';

const defs = parse(
  [
    'uint8 small',
    'int32 signed',
    'float32 f',
    'bool flag',
    'string<=3 short',
    'uint64 big',
    'float64[3] fixed',
    'uint8[] bytes',
    'Inner[] inners',
    'builtin_interfaces/Time stamp',
    '================================================================================',
    'MSG: pkg/Inner',
    'string name',
    'int16[] values',
    '================================================================================',
    'MSG: builtin_interfaces/Time',
    'int32 sec',
    'uint32 nanosec',
  ].join('\n'),
  { ros2: true },
);

function good(): Record<string, unknown> {
  return {
    small: 255,
    signed: -2147483648,
    f: NaN,
    flag: false,
    short: 'abc',
    big: 2n ** 63n,
    fixed: [1, 2, 3],
    bytes: Buffer.from([1, 2]),
    inners: [{ name: 'a', values: Int16Array.of(-1) }, { name: 'b', values: [3, 4] }],
    stamp: { sec: 0, nanosec: 999_999_999 },
  };
}

function check(patch: Record<string, unknown>): void {
  checkMessage(defs, { ...good(), ...patch }, 'pkg/msg/T');
}

describe('checkMessage', () => {
  test('accepts a well-formed message (typed or plain arrays, Buffer for uint8[])', () => {
    assert.doesNotThrow(() => check({}));
  });

  test('names the field, the expectation and what it got', () => {
    assert.throws(() => check({ small: 256 }), /^TypeError: pkg\/msg\/T: field 'small' must be a uint8 integer in \[0, 255\], got number 256$/);
    assert.throws(() => check({ signed: 1.5 }), /field 'signed' must be a int32 integer/);
    assert.throws(() => check({ f: '1' }), /field 'f' must be a float32 number, got string "1"/);
    assert.throws(() => check({ flag: 1 }), /field 'flag' must be a boolean, got number 1/);
    assert.throws(() => check({ short: 'abcd' }), /field 'short' is string<=3 but has 4 characters/);
    assert.throws(() => check({ big: -1 }), /field 'big' must be a uint64 \(bigint or safe integer\)/);
    assert.throws(() => check({ fixed: [1, 2] }), /field 'fixed' is float64\[3\] but has 2 items/);
    assert.throws(() => check({ fixed: Float32Array.of(1, 2, 3) }), /field 'fixed' must be Float64Array or an array of float64, got a Float32Array/);
    assert.throws(() => check({ bytes: undefined }), /field 'bytes' must be Uint8Array or Uint8ClampedArray or an array of uint8, got undefined \(missing\)/);
    assert.throws(() => check({ stamp: { sec: 0 } }), /field 'stamp\.nanosec' must be a uint32 integer/);
  });

  test('paths reach into nested arrays of messages', () => {
    assert.throws(() => check({ inners: [{ name: 'a', values: [] }, { name: 'b', values: [1, 40000] }] }), /field 'inners\[1\]\.values\[1\]' must be a int16 integer/);
    assert.throws(() => check({ inners: [{ values: [] }] }), /field 'inners\[0\]\.name' must be a string, got undefined \(missing\)/);
    assert.throws(() => check({ inners: {} }), /field 'inners' must be an array of pkg\/Inner, got an object \(Object\)/);
    assert.throws(() => checkMessage(defs, null, 'pkg/msg/T'), /field '\(root\)' must be a pkg\/msg\/T message object, got null/);
  });

  test('refuses non-ASCII strings, which the CDR writer would truncate', async () => {
    assert.throws(() => check({ short: 'é' }), /field 'short' must be ASCII \(the CDR writer mis-sizes UTF-8\), got string "é"/);
    assert.throws(() => check({ inners: [{ name: 'grün', values: [] }] }), /field 'inners\[0\]\.name' must be ASCII/);
    // The bug being guarded against: written unchecked, the string comes back cut short.
    const { MessageReader, MessageWriter } = await import('@foxglove/rosmsg2-serialization');
    const text = parse('string s', { ros2: true });
    const back = new MessageReader<{ s: string }>(text).readMessage(new MessageWriter(text).writeMessage({ s: 'héllo' }));
    assert.notEqual(back.s, 'héllo');
  });
});
