import { loadPlanningRuntime } from '../model/onnx/index.js';
import { WorldModel } from '../model/worldModel.js';
import type { LatentDynamics, RolloutCostEngine } from './LatentDynamics.js';
import { OnnxRolloutCost } from './onnxRolloutCost.js';

const engines = new WeakMap<WorldModel, OnnxRolloutCost>();

/**
 * The engine that scores a sampling planner's samples for `model`: onnxruntime when the
 * process chose it (model/onnx selectPlanningEngine) and the model is a WorldModel with an
 * MLP predictor, one per model, kept while the model lives; undefined means tfjs.
 */
export function costEngineFor(model: LatentDynamics): RolloutCostEngine | undefined {
  const runtime = loadPlanningRuntime();
  if (runtime === undefined || !(model instanceof WorldModel) || model.config.predictor.kind !== 'mlp') return undefined;
  let engine = engines.get(model);
  if (engine === undefined) {
    engine = new OnnxRolloutCost(model, runtime);
    engines.set(model, engine);
  }
  return engine;
}
