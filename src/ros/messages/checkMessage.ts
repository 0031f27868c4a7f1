import type { parse } from '@foxglove/rosmsg';

/** A parsed .msg definition as @foxglove/rosmsg returns it (named from `parse` to avoid a direct dependency on its types package). */
export type ParsedDefinition = ReturnType<typeof parse>[number];
type ParsedField = ParsedDefinition['definitions'][number];

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  byte: [0, 255],
  char: [-128, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

// The typed array each primitive array may arrive as; plain arrays are accepted too.
const TYPED_ARRAYS: Readonly<Record<string, readonly (abstract new (...args: never[]) => unknown)[]>> = {
  int8: [Int8Array],
  uint8: [Uint8Array, Uint8ClampedArray],
  byte: [Uint8Array, Uint8ClampedArray],
  char: [Uint8Array, Int8Array],
  int16: [Int16Array],
  uint16: [Uint16Array],
  int32: [Int32Array],
  uint32: [Uint32Array],
  int64: [BigInt64Array],
  uint64: [BigUint64Array],
  float32: [Float32Array],
  float64: [Float64Array],
};

export interface CheckMessageOptions {
  /**
   * What the message is checked for: `write` (default) also refuses what the CDR writer would
   * mangle (non-ASCII strings); `read` checks a decoded message's shape only (a message decoded
   * with a bag's own schema, against the definition the agent reads it by).
   */
  readonly purpose?: 'write' | 'read';
}

/**
 * Throws a TypeError naming the first field of `message` that the CDR writer would not
 * serialise faithfully. @foxglove/rosmsg2-serialization writes a default (0, "", empty) for
 * a missing field or an array of the wrong class (a Float32Array for float64[]) and wraps
 * out-of-range integers, all silently: checked here so that a bad message fails loudly.
 * Extra properties are ignored, as the writer ignores them.
 */
export function checkMessage(definitions: readonly ParsedDefinition[], message: unknown, type: string, options: CheckMessageOptions = {}): void {
  const byName = new Map<string, ParsedDefinition>();
  for (const def of definitions) byName.set(def.name ?? '', def);
  const root = definitions.find((d) => d.name === undefined) ?? definitions[0];
  if (root === undefined) throw new RangeError(`${type}: no message definition to check against`);
  checkStruct(root, message, '', { byName, type, writing: (options.purpose ?? 'write') === 'write' });
}

interface Context {
  readonly byName: ReadonlyMap<string, ParsedDefinition>;
  readonly type: string;
  readonly writing: boolean;
}

function checkStruct(def: ParsedDefinition, value: unknown, path: string, ctx: Context): void {
  const { type } = ctx;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw fieldError(type, path, `a ${def.name ?? type} message object`, value);
  }
  const record = value as Readonly<Record<string, unknown>>;
  for (const field of def.definitions) {
    if (field.isConstant === true) continue;
    const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
    const v = record[field.name];
    if (field.isArray === true) checkArray(field, v, fieldPath, ctx);
    else checkOne(field, v, fieldPath, ctx);
  }
}

function checkArray(field: ParsedField, value: unknown, path: string, ctx: Context): void {
  const { type } = ctx;
  const typed = TYPED_ARRAYS[field.type];
  const isTyped = typed !== undefined && typed.some((cls) => value instanceof cls);
  if (!isTyped && !Array.isArray(value)) {
    const accepted = typed === undefined ? 'an array' : `${typed.map((c) => c.name).join(' or ')} or an array`;
    throw fieldError(type, path, `${accepted} of ${field.type}`, value);
  }
  const items = value as ArrayLike<unknown>;
  if (field.arrayLength !== undefined && items.length !== field.arrayLength) {
    throw new RangeError(`${type}: field '${path}' is ${field.type}[${field.arrayLength}] but has ${items.length} items`);
  }
  if (field.arrayUpperBound !== undefined && items.length > field.arrayUpperBound) {
    throw new RangeError(`${type}: field '${path}' is ${field.type}[<=${field.arrayUpperBound}] but has ${items.length} items`);
  }
  if (isTyped) return;
  for (let i = 0; i < items.length; i++) checkOne(field, items[i], `${path}[${i}]`, ctx);
}

function checkOne(field: ParsedField, value: unknown, path: string, ctx: Context): void {
  const { type } = ctx;
  if (field.isComplex === true) {
    const nested = ctx.byName.get(field.type);
    if (nested === undefined) throw new RangeError(`${type}: field '${path}' has type ${field.type}, which the schema does not define`);
    checkStruct(nested, value, path, ctx);
    return;
  }
  const t = field.type;
  switch (t) {
    case 'bool':
      if (typeof value !== 'boolean') throw fieldError(type, path, 'a boolean', value);
      return;
    case 'string':
    case 'wstring':
      if (typeof value !== 'string') throw fieldError(type, path, 'a string', value);
      // @foxglove/cdr 3.5's writer takes the UTF-16 length for the UTF-8 byte count, which
      // truncates any non-ASCII string: refuse it here rather than send corrupt bytes.
      if (ctx.writing && NON_ASCII.test(value)) {
        throw new TypeError(`${type}: field '${path}' must be ASCII (the CDR writer mis-sizes UTF-8), got ${describeValue(value)}`);
      }
      if (field.upperBound !== undefined && value.length > field.upperBound) {
        throw new RangeError(`${type}: field '${path}' is string<=${field.upperBound} but has ${value.length} characters`);
      }
      return;
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') throw fieldError(type, path, `a ${t} number`, value);
      return;
    case 'int64':
    case 'uint64': {
      const signedOk = t === 'int64';
      const ok =
        (typeof value === 'bigint' && (signedOk || value >= 0n)) ||
        (typeof value === 'number' && Number.isSafeInteger(value) && (signedOk || value >= 0));
      if (!ok) throw fieldError(type, path, `a ${t} (bigint or safe integer)`, value);
      return;
    }
    case 'time':
    case 'duration': {
      const label = t === 'time' ? 'builtin_interfaces/Time' : 'builtin_interfaces/Duration';
      if (typeof value !== 'object' || value === null) throw fieldError(type, path, `a ${label} {sec, nanosec}`, value);
      const { sec, nanosec } = value as { sec?: unknown; nanosec?: unknown };
      checkInteger('int32', sec, `${path}.sec`, type);
      checkInteger('uint32', nanosec, `${path}.nanosec`, type);
      return;
    }
    default:
      if (INTEGER_RANGES[t] !== undefined) checkInteger(t, value, path, type);
      // Any other primitive is left to the writer, which knows it better than this check.
      return;
  }
}

function checkInteger(t: string, value: unknown, path: string, type: string): void {
  const [lo, hi] = INTEGER_RANGES[t];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw fieldError(type, path, `a ${t} integer in [${lo}, ${hi}]`, value);
  }
}

function fieldError(type: string, path: string, expected: string, got: unknown): TypeError {
  return new TypeError(`${type}: field '${path === '' ? '(root)' : path}' must be ${expected}, got ${describeValue(got)}`);
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'no prototype'})`;
  return `${typeof v} ${String(v)}`;
}
