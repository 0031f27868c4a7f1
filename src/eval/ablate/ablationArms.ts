import { applyOverrides, parseConfig } from '../../core/config/Config.js';
import type { Config } from '../../core/config/Config.js';
import type { SensorCorruption } from './sensorCorruption.js';

/** Sensor conditions the fusion arms are compared under. */
export const SENSOR_CONDITIONS = ['clean', 'noise', 'dropout'] as const;
export type SensorCondition = (typeof SENSOR_CONDITIONS)[number];

/** One arm: what it changes from the full model, and the sensors it lives with. */
export interface AblationArm {
  readonly name: string;
  /** What the arm removes or swaps, for the report. */
  readonly description: string;
  /** Config overrides (key=value) on top of the experiment's base config. */
  readonly overrides: readonly string[];
  readonly sensors: SensorCondition;
}

/** A comparison of the report: arms that differ in one factor. */
export interface AblationQuestion {
  readonly title: string;
  readonly arms: readonly string[];
}

/** The faults of each sensor condition: the simulation's camera noise plus injected faults. */
export const SENSOR_FAULTS: Readonly<Record<SensorCondition, { description: string; sim: readonly string[]; corruption?: SensorCorruption }>> = {
  clean: { description: 'no sensor faults', sim: [] },
  noise: {
    description: 'RGB pixel noise (std 40/255) and colour jitter 0.15; depth noise 3 cm at 1 m',
    sim: ['sim.noise.depthStd=0.03', 'sim.noise.colorJitter=0.15'],
    corruption: { rgbNoiseStd: 40 },
  },
  dropout: {
    description: 'RGB frame missing on 30% of ticks, point cloud on 20%; 30% of depth pixels return nothing',
    sim: ['sim.noise.dropout=0.3'],
    corruption: { rgbDropout: 0.3, pointsDropout: 0.2 },
  },
};

const CONCAT = 'model.fusion.kind=concat';

/**
 * The ablation arms of `jepa-agent eval ablate`. `passive` removes the action from the
 * predictor and the inverse-dynamics head, so that nothing in training sees the action: the
 * passive representation the research question contrasts with the action-structured one.
 * `ema` swaps VICReg's variance/covariance terms for an EMA target encoder (BYOL / I-JEPA style).
 */
export const ABLATION_ARMS: readonly AblationArm[] = [
  { name: 'full', description: 'the full model: RGB + points + proprio + the object view, one latent part per modality with reliability-gated cross-modal estimates, action-conditioned predictor, VICReg', overrides: [], sensors: 'clean' },
  { name: 'passive', description: 'predictor without the action (zero action), no inverse-dynamics head', overrides: ['model.predictor.actionConditioned=false', 'model.inverseHead=false'], sensors: 'clean' },
  { name: 'no_points', description: 'without the point cloud, whose object view goes with it (RGB + proprio)', overrides: ['model.modalities.points=false', 'model.modalities.object=false'], sensors: 'clean' },
  { name: 'no_object_view', description: 'without the object view: the scene cloud alone speaks for the object', overrides: ['model.modalities.object=false'], sensors: 'clean' },
  { name: 'concat', description: 'the same parts side by side: no reliability gates, a missing modality zero-filled', overrides: [CONCAT], sensors: 'clean' },
  { name: 'averaged', description: 'the earlier design: one vector, the precision-weighted average of the embeddings', overrides: ['model.fusion.kind=precision'], sensors: 'clean' },
  { name: 'gated_noise', description: 'gated fusion, noisy sensors', overrides: [], sensors: 'noise' },
  { name: 'concat_noise', description: 'concatenation, noisy sensors', overrides: [CONCAT], sensors: 'noise' },
  { name: 'gated_dropout', description: 'gated fusion, sensor dropout', overrides: [], sensors: 'dropout' },
  { name: 'concat_dropout', description: 'concatenation, sensor dropout', overrides: [CONCAT], sensors: 'dropout' },
  { name: 'ema', description: 'EMA target encoder (tau 0.99) instead of VICReg variance/covariance', overrides: ['model.ema.enabled=true', 'model.loss.variance=0', 'model.loss.covariance=0'], sensors: 'clean' },
];

export const ABLATION_QUESTIONS: readonly AblationQuestion[] = [
  { title: 'Action conditioning: action-structured vs passive representation', arms: ['full', 'passive'] },
  { title: 'Point cloud: with vs without', arms: ['full', 'no_points'] },
  { title: 'Fusion: reliability-gated vs concatenation, by sensor condition', arms: ['full', 'concat', 'gated_noise', 'concat_noise', 'gated_dropout', 'concat_dropout'] },
  { title: 'Latent shape: one part per modality vs one averaged vector', arms: ['full', 'averaged'] },
  { title: 'Anti-collapse: VICReg vs EMA target', arms: ['full', 'ema'] },
];

/**
 * Settings every arm shares: an observation needs only proprioception, so that a tick whose
 * camera frame went missing still reaches the controller (the camera is attached when present).
 */
const SHARED = ['agent.requiredModalities=["proprio"]'];

/** An arm's full config: the base, the shared settings, the sensor condition, the arm's own overrides, and the seed. */
export function armConfig(base: Readonly<Config>, arm: AblationArm, seed: number): Readonly<Config> {
  const overrides = [...SHARED, ...SENSOR_FAULTS[arm.sensors].sim, ...arm.overrides, `seed=${seed}`];
  return parseConfig(applyOverrides(structuredClone(base) as Record<string, unknown>, overrides), `ablation arm '${arm.name}'`);
}

/** The arms named in `names` (all when undefined), in table order; an unknown name is an error that lists the known ones. */
export function selectArms(names?: readonly string[]): AblationArm[] {
  if (names === undefined) return [...ABLATION_ARMS];
  for (const n of names) {
    if (!ABLATION_ARMS.some((a) => a.name === n)) {
      throw new RangeError(`unknown ablation arm '${n}' (expected one of: ${ABLATION_ARMS.map((a) => a.name).join(', ')})`);
    }
  }
  return ABLATION_ARMS.filter((a) => names.includes(a.name));
}
