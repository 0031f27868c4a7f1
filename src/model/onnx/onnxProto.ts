import protobuf from 'protobufjs';

/**
 * The part of ONNX's onnx.proto (github.com/onnx/onnx, MIT licence) that a graph of plain
 * tensors needs: model, graph, node, attribute, tensor, value info with symbolic shapes, opset.
 * Field numbers are onnx.proto's own; fields we never write are left out (protobuf allows it).
 */
const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** TensorProto.DataType values we use. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** AttributeProto.AttributeType values we use. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, floats: 6, ints: 7 } as const;

/** A dimension: a size, or a name for a size given at run time. */
export type OnnxDim = number | string;

export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
}

export interface OnnxNode {
  readonly opType: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute?: readonly OnnxAttribute[];
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly rawData: Uint8Array;
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly OnnxDim[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/** Opset of the default domain our graphs are written against. */
export const ONNX_OPSET = 17;
const IR_VERSION = 8;

let modelType: protobuf.Type | undefined;

/** The serialised ModelProto of `graph` (float32 inputs and outputs), as onnxruntime loads it. */
export function encodeOnnxModel(graph: OnnxGraph, producer = 'jepa-agent'): Uint8Array {
  modelType ??= protobuf.parse(ONNX_PROTO).root.lookupType('onnx.ModelProto');
  const valueInfo = (v: OnnxValueInfo): object => ({
    name: v.name,
    type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: v.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const message = {
    irVersion: IR_VERSION,
    producerName: producer,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: graph.name,
      node: graph.nodes.map((n, k) => ({ name: `${n.opType}_${k}`, opType: n.opType, input: [...n.input], output: [...n.output], attribute: n.attribute?.map((a) => ({ ...a })) ?? [] })),
      initializer: graph.initializers.map((t) => ({ name: t.name, dims: [...t.dims], dataType: t.dataType, rawData: t.rawData })),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  };
  const err = modelType.verify(message);
  if (err !== null) throw new Error(`onnx: the graph '${graph.name}' does not make a valid ModelProto: ${err}`);
  return modelType.encode(modelType.fromObject(message)).finish();
}
