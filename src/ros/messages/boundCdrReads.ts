import { createRequire } from 'node:module';

/** The parts of @foxglove/cdr's CdrReader that the bounds checks use (`view` is private in its types). */
interface CdrReaderInternals {
  readonly view: DataView;
  readonly littleEndian: boolean;
  offset: number;
  align(size: number): void;
  sequenceLength(): number;
  string(prereadLength?: number): string;
  int8Array(count?: number): Int8Array;
  uint8Array(count?: number): Uint8Array;
  typedArray(ctor: { readonly BYTES_PER_ELEMENT: number; readonly name: string }, getter: string, count: number, alignment?: number): ArrayLike<unknown>;
}

let installed = false;

/**
 * Makes @foxglove/cdr 3.5's CdrReader (the one @foxglove/rosmsg2-serialization decodes with)
 * refuse lengths that the bytes cannot hold, before it acts on them. As shipped, it:
 * - sizes typed arrays by the sequence length it has just read: a damaged length on
 *   big-endian or unaligned data allocates up to 32 GiB (`new Float64Array(count)`) before
 *   finding the bytes missing;
 * - makes uint8[], aligned numeric arrays and strings views into the whole underlying buffer,
 *   so a length past the end of the message reads the bytes that follow it in the same buffer
 *   (the next messages of an MCAP chunk) and returns them as this message's data, silently.
 * Each check throws a RangeError naming the byte offset (from the start of the CDR payload,
 * encapsulation header included) and the sizes; MessageCodec wraps it with the type name.
 * Patched once per process on the class itself, as @mcap/core's CRC is in McapFileWriter.
 */
export function boundCdrReads(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(createRequire(import.meta.url).resolve('@foxglove/rosmsg2-serialization'));
  const { CdrReader } = require('@foxglove/cdr') as { CdrReader: { prototype: CdrReaderInternals } };
  const proto = CdrReader.prototype;
  const left = (r: CdrReaderInternals): number => r.view.byteLength - r.offset;
  const pastEnd = (r: CdrReaderInternals, what: string, at: number): RangeError =>
    new RangeError(`CDR: ${what} at byte ${at} runs past the end of the ${r.view.byteLength}-byte message (to byte ${r.offset})`);

  const sequenceLength = proto.sequenceLength;
  proto.sequenceLength = function (this: CdrReaderInternals): number {
    const at = this.offset;
    const count = sequenceLength.call(this);
    // Every element takes at least one byte, so a longer sequence cannot be in the message.
    if (count > left(this)) throw new RangeError(`CDR: a sequence length at byte ${at} claims ${count} elements, but only ${left(this)} bytes follow`);
    return count;
  };

  const string = proto.string;
  proto.string = function (this: CdrReaderInternals, prereadLength?: number): string {
    const at = this.offset;
    if (prereadLength === undefined) {
      this.align(4);
      const length = this.view.getUint32(this.offset, this.littleEndian);
      if (length > left(this) - 4) throw new RangeError(`CDR: a string at byte ${at} claims ${length} bytes, but only ${Math.max(0, left(this) - 4)} follow`);
    }
    const value = string.call(this, prereadLength);
    if (this.offset > this.view.byteLength) throw pastEnd(this, 'a string', at);
    return value;
  };

  for (const name of ['int8Array', 'uint8Array'] as const) {
    const original = proto[name] as (this: CdrReaderInternals, count?: number) => Int8Array | Uint8Array;
    proto[name] = function (this: CdrReaderInternals, count?: number) {
      const at = this.offset;
      const value = original.call(this, count);
      if (this.offset > this.view.byteLength) throw pastEnd(this, `an array of ${value.length} bytes`, at);
      return value;
    } as never;
  }

  const typedArray = proto.typedArray;
  proto.typedArray = function (this: CdrReaderInternals, ctor, getter, count, alignment) {
    const at = this.offset;
    if (count * ctor.BYTES_PER_ELEMENT > left(this)) {
      throw new RangeError(`CDR: an array of ${count} ${ctor.name.replace(/Array$/, '')} at byte ${at} needs ${count * ctor.BYTES_PER_ELEMENT} bytes, but only ${left(this)} follow`);
    }
    const value = typedArray.call(this, ctor, getter, count, alignment);
    if (this.offset > this.view.byteLength) throw pastEnd(this, `an array of ${count} ${ctor.name.replace(/Array$/, '')}`, at);
    return value;
  };
}
