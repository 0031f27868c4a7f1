export * from './onnxProto.js';
export * from './OnnxGraphBuilder.js';
export * from './onnxRuntime.js';
export * from './onnxLayers.js';
export * from './planningEngine.js';
export * from './OnnxEncoder.js';
