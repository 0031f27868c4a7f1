import { ATTRIBUTE_TYPE, ONNX_FLOAT, ONNX_INT64 } from './onnxProto.js';
import type { OnnxAttribute, OnnxDim, OnnxGraph, OnnxInitializer, OnnxNode, OnnxValueInfo } from './onnxProto.js';

/** Attribute values as plain numbers (float or int, chosen by the op's schema) and arrays of them. */
export type AttributeValue = { float: number } | { int: number } | { floats: readonly number[] } | { ints: readonly number[] };

/**
 * Builds an ONNX graph op by op, as code reads: each `op` returns the name of its output, so
 * layer functions compose like the tfjs ones they mirror. Constants become initializers
 * (deduplicated by value for small ones); inputs keep the names they are fed by.
 */
export class OnnxGraphBuilder {
  readonly #nodes: OnnxNode[] = [];
  readonly #initializers: OnnxInitializer[] = [];
  readonly #inputs: OnnxValueInfo[] = [];
  readonly #outputs: OnnxValueInfo[] = [];
  readonly #inputNames = new Set<string>();
  readonly #constants = new Map<string, string>();
  #counter = 0;

  /** A graph input fed at run time (weights are inputs too: new weights need no new graph). */
  input(name: string, dims: readonly OnnxDim[]): string {
    if (!this.#inputNames.has(name)) {
      this.#inputNames.add(name);
      this.#inputs.push({ name, dims });
    }
    return name;
  }

  /** Names of the inputs declared so far, in order. */
  get inputNames(): readonly string[] {
    return [...this.#inputNames];
  }

  output(name: string, dims: readonly OnnxDim[]): void {
    this.#outputs.push({ name, dims });
  }

  /** A float32 constant. */
  constant(values: ArrayLike<number>, dims: readonly number[]): string {
    const data = Float32Array.from(values as ArrayLike<number>);
    const key = data.length <= 64 ? `f:${dims.join('x')}:${Array.from(data).join(',')}` : undefined;
    const known = key === undefined ? undefined : this.#constants.get(key);
    if (known !== undefined) return known;
    const name = this.#fresh('const');
    this.#initializers.push({ name, dims: [...dims], dataType: ONNX_FLOAT, rawData: new Uint8Array(data.buffer.slice(0)) });
    if (key !== undefined) this.#constants.set(key, name);
    return name;
  }

  /** An int64 constant (shapes, axes, indices). */
  ints(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    const known = this.#constants.get(key);
    if (known !== undefined) return known;
    const name = this.#fresh('ints');
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.#initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, rawData: new Uint8Array(data.buffer) });
    this.#constants.set(key, name);
    return name;
  }

  /** A 0-d int64 constant (Gather's index that drops the axis). */
  intScalar(value: number): string {
    const key = `s:${value}`;
    const known = this.#constants.get(key);
    if (known !== undefined) return known;
    const name = this.#fresh('int');
    this.#initializers.push({ name, dims: [], dataType: ONNX_INT64, rawData: new Uint8Array(BigInt64Array.of(BigInt(value)).buffer) });
    this.#constants.set(key, name);
    return name;
  }

  /** One node with a single output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    const out = this.#fresh(opType);
    this.#nodes.push({ opType, input: inputs, output: [out], attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)) });
    return out;
  }

  /** One node with several outputs. */
  opMulti(opType: string, inputs: readonly string[], outputs: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const outs = Array.from({ length: outputs }, () => this.#fresh(opType));
    this.#nodes.push({ opType, input: inputs, output: outs, attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)) });
    return outs;
  }

  /** Gives `value` a graph-level name (an Identity node), e.g. to expose it as an output. */
  name(value: string, name: string): string {
    this.#nodes.push({ opType: 'Identity', input: [value], output: [name] });
    return name;
  }

  build(name: string): OnnxGraph {
    return { name, nodes: [...this.#nodes], initializers: [...this.#initializers], inputs: [...this.#inputs], outputs: [...this.#outputs] };
  }

  #fresh(prefix: string): string {
    return `${prefix}_${this.#counter++}`;
  }
}

function attribute(name: string, v: AttributeValue): OnnxAttribute {
  if ('float' in v) return { name, type: ATTRIBUTE_TYPE.float, f: v.float };
  if ('int' in v) return { name, type: ATTRIBUTE_TYPE.int, i: v.int };
  if ('floats' in v) return { name, type: ATTRIBUTE_TYPE.floats, floats: v.floats };
  return { name, type: ATTRIBUTE_TYPE.ints, ints: v.ints };
}
