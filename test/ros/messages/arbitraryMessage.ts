// fast-check arbitraries of ROS 2 messages, built from the same .msg text the codecs are built
// from: every field of every built-in type gets values of its own kind and range (typed arrays
// where the CDR reader returns them, ASCII strings as the writer requires).
import { parse } from '@foxglove/rosmsg';
import fc from 'fast-check';
import { ros2msgSchema } from '../../../src/ros/index.js';
import type { RosMessageMap, RosMessageType } from '../../../src/ros/index.js';

type Definition = ReturnType<typeof parse>[number];
type Field = Definition['definitions'][number];

const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const float32 = fc.float({ noDefaultInfinity: false });
const ARRAY_MAX = 6;

function primitive(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'uint8':
    case 'byte':
      return fc.integer({ min: 0, max: 255 });
    case 'char':
      return fc.integer({ min: 0, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'uint32':
      return fc.integer({ min: 0, max: 4294967295 });
    case 'int64':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'uint64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case 'float32':
      return float32;
    case 'float64':
      return fc.double();
    case 'string':
      return ascii;
    case 'time':
    case 'duration':
      return fc.record({ sec: fc.integer({ min: -2147483648, max: 2147483647 }), nanosec: fc.integer({ min: 0, max: 4294967295 }) }, { noNullPrototype: true });
    default:
      throw new Error(`arbitraryMessage: no arbitrary for primitive ${type}`);
  }
}

function typedArray(type: string, length: fc.ArrayConstraints): fc.Arbitrary<unknown> | undefined {
  switch (type) {
    case 'uint8':
    case 'byte':
      return fc.uint8Array({ ...length, min: 0, max: 255 });
    case 'int8':
      return fc.int8Array(length);
    case 'int16':
      return fc.int16Array(length);
    case 'uint16':
      return fc.uint16Array(length);
    case 'int32':
      return fc.int32Array(length);
    case 'uint32':
      return fc.uint32Array(length);
    case 'float32':
      return fc.float32Array(length);
    case 'float64':
      return fc.float64Array(length);
    case 'int64':
      return fc.bigInt64Array(length);
    case 'uint64':
      return fc.bigUint64Array(length);
    default:
      return undefined;
  }
}

function fieldArbitrary(field: Field, byName: ReadonlyMap<string, Definition>, sizes: { readonly bytes: number }): fc.Arbitrary<unknown> {
  const one = (): fc.Arbitrary<unknown> => {
    if (field.isComplex === true) return structArbitrary(byName.get(field.type)!, byName, sizes);
    return primitive(field.type);
  };
  if (field.isArray !== true) return one();
  const fixed = field.arrayLength;
  const isBytes = field.type === 'uint8' || field.type === 'byte';
  const max = fixed ?? (isBytes ? sizes.bytes : ARRAY_MAX);
  const length = { minLength: fixed ?? 0, maxLength: max };
  if (field.isComplex !== true) {
    const typed = typedArray(field.type, length);
    if (typed !== undefined) return typed;
  }
  return fc.array(one(), length);
}

function structArbitrary(def: Definition, byName: ReadonlyMap<string, Definition>, sizes: { readonly bytes: number }): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of def.definitions) {
    if (field.isConstant === true) continue;
    shape[field.name] = fieldArbitrary(field, byName, sizes);
  }
  return fc.record(shape, { noNullPrototype: true });
}

/** Any message of a built-in type; `bytes` bounds uint8[] fields (image data). */
export function arbitraryMessage<K extends RosMessageType>(type: K, sizes: { readonly bytes: number } = { bytes: 64 }): fc.Arbitrary<RosMessageMap[K]> {
  const definitions = parse(ros2msgSchema(type), { ros2: true });
  const byName = new Map(definitions.map((d) => [d.name ?? '', d] as const));
  return structArbitrary(definitions[0], byName, sizes) as unknown as fc.Arbitrary<RosMessageMap[K]>;
}
