// Shared settings and arbitraries of the property tests (fast-check). Every property runs from
// one fixed seed with a bounded number of runs, so `npm test` is fast and gives the same
// inputs every time. To explore more inputs locally:
//   JEPA_PROPERTY_SEED=123 JEPA_PROPERTY_RUNS=20 node --test dist/test/...
// (the second multiplies every property's runs); a failure prints the seed and path to replay.
import assert from 'node:assert/strict';
import fc from 'fast-check';

const envSeed = Number(process.env.JEPA_PROPERTY_SEED);
const envScale = Number(process.env.JEPA_PROPERTY_RUNS);

/** The seed of every property run. */
export const PROPERTY_SEED = Number.isInteger(envSeed) ? envSeed : 0x17_5eed;

/** fast-check parameters: the fixed seed and `numRuns` runs (times JEPA_PROPERTY_RUNS when set). */
export function runs<T = unknown>(numRuns: number): fc.Parameters<T> {
  const scale = Number.isFinite(envScale) && envScale > 0 ? envScale : 1;
  return { seed: PROPERTY_SEED, numRuns: Math.max(1, Math.round(numRuns * scale)), includeErrorInReport: true };
}

/** One way of damaging bytes, at a position taken modulo the length. */
export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'zero'; readonly at: number; readonly length: number }
  /** A 32-bit little-endian length-like value written over 4 bytes (CDR sequence lengths, protobuf sizes). */
  | { readonly kind: 'u32'; readonly at: number; readonly value: number }
  /** A 64-bit little-endian value written over 8 bytes (MCAP record lengths and sizes). */
  | { readonly kind: 'u64'; readonly at: number; readonly value: bigint }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number };

const position = fc.nat({ max: 1 << 30 });

/** Values a damaged length field tends to hold: small, off by a little, or claiming gigabytes. */
const hugeU32 = fc.oneof(fc.nat({ max: 64 }), fc.integer({ min: 0x7fff_fff0, max: 0xffff_ffff }), fc.integer({ min: 1 << 20, max: 1 << 30 }), fc.nat({ max: 0xffff_ffff }));
const hugeU64 = fc.oneof(
  hugeU32.map(BigInt),
  fc.bigInt({ min: 1n << 32n, max: (1n << 64n) - 1n }),
  fc.constantFrom((1n << 64n) - 1n, 1n << 63n, 1n << 53n, (1n << 31n) * 3n),
);

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('zero' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('u32' as const), at: position, value: hugeU32 }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('u64' as const), at: position, value: hugeU64 }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }) },
);

/** One to `max` mutations. */
export function mutations(max = 3): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArbitrary, { minLength: 1, maxLength: max });
}

/** A damaged copy of `bytes` (the input is left alone). */
export function mutate(bytes: Uint8Array, list: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(bytes);
  for (const m of list) {
    if (b.length === 0) return b;
    const at = m.at % b.length;
    switch (m.kind) {
      case 'flip':
        b[at] ^= 1 << m.bit;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'zero':
        b.fill(0, at, at + m.length);
        break;
      case 'u32':
        if (b.length >= 4) new DataView(b.buffer).setUint32(Math.min(at, b.length - 4), m.value, true);
        break;
      case 'u64':
        if (b.length >= 8) new DataView(b.buffer).setBigUint64(Math.min(at, b.length - 8), m.value, true);
        break;
      case 'insert': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case 'delete': {
        const end = Math.min(b.length, at + m.length);
        const out = new Uint8Array(at + b.length - end);
        out.set(b.subarray(0, at));
        out.set(b.subarray(end), at);
        b = out;
        break;
      }
    }
  }
  return b;
}

/** The damage kinds a property should meet at least once (checked by `assertCovered`). */
export function mutationKinds(list: readonly Mutation[]): Set<Mutation['kind']> {
  return new Set(list.map((m) => m.kind));
}

/**
 * Runs `fn`: its value if it returns; if it throws, the error must be an Error whose message
 * matches every pattern (the input's name: type, topic, field or offset), never a bare
 * TypeError from reading a field that is not there. Returns undefined after such an error.
 */
export function valueOrNamedError<T>(fn: () => T, ...patterns: RegExp[]): T | undefined {
  try {
    return fn();
  } catch (error) {
    assertNamedError(error, ...patterns);
    return undefined;
  }
}

/** The async form of `valueOrNamedError`. */
export async function valueOrNamedErrorAsync<T>(fn: () => Promise<T>, ...patterns: RegExp[]): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    assertNamedError(error, ...patterns);
    return undefined;
  }
}

/** Asserts `error` is an Error naming its input (every pattern matches its message). */
export function assertNamedError(error: unknown, ...patterns: RegExp[]): asserts error is Error {
  assert.ok(error instanceof Error, `threw a non-Error: ${String(error)}`);
  assert.doesNotMatch(error.message, /^Cannot read properties of|is not a function|is not iterable|^Maximum call stack/, `an unnamed ${error.name}: ${error.message}`);
  for (const p of patterns) assert.match(error.message, p, `${error.name} does not name its input (${p}): ${error.message}`);
}

/** Milliseconds `fn` took, with the value; for the bounded-time part of a property. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

const TYPED_ARRAY_NAMES = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;

/**
 * Runs `fn` with every global typed-array constructor replaced by one that fails the test
 * when asked for more than `maxBytes` by length (`new Float64Array(n)`): the check that a
 * decoder never sizes a buffer by a length it read before seeing that the bytes are there.
 * Code that looks the constructors up at call time (as @foxglove/cdr does) is covered;
 * views on existing buffers are not counted.
 */
export function withTypedArrayLimit<T>(maxBytes: number, fn: () => T): T {
  const g = globalThis as unknown as Record<string, unknown>;
  const originals = TYPED_ARRAY_NAMES.map((name) => [name, g[name]] as const);
  let violation: string | undefined;
  for (const [name, original] of originals) {
    const Base = original as new (...args: unknown[]) => object;
    const bytesPer = (original as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    const proxy: unknown = new Proxy(Base, {
      construct(target, args: unknown[], newTarget) {
        const n = args[0];
        if (typeof n === 'number' && n * bytesPer > maxBytes) {
          violation ??= `new ${name}(${n}): ${n * bytesPer} bytes sized by a length, more than the ${maxBytes} allowed`;
          // Thrown to stop the allocation; the decoder may wrap it, so it is reported below too.
          throw new RangeError(violation);
        }
        return Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
      },
    });
    g[name] = proxy;
  }
  try {
    const value = fn();
    if (violation !== undefined) assert.fail(violation);
    return value;
  } catch (error) {
    if (violation !== undefined) assert.fail(violation);
    throw error;
  } finally {
    for (const [name, original] of originals) g[name] = original;
  }
}
