/** Sizes and budgets of one mode of an experiment; command-line flags override them. */
export interface ExperimentPreset {
  /** Config overrides (key=value) applied before the user's own --set. */
  readonly overrides: readonly string[];
  readonly seeds: readonly number[];
  /** Practice budget in environment steps (reproducible). */
  readonly steps: number;
  readonly evalEpisodes: number;
  readonly trainStepsPerEpisode: number;
}

/**
 * A tiny world and model for `--quick` (tests, CI): 16 px images, 64 points, a 16-d latent, a
 * small planner, short episodes. Numbers from it check the machinery, not the science.
 */
export const QUICK_OVERRIDES: readonly string[] = [
  'sim.episodeSteps=12',
  'sim.camera.width=16',
  'sim.camera.height=16',
  'sim.pointCount=64',
  'model.latentDim=16',
  'model.image.size=16',
  'model.image.patchSize=8',
  'model.image.width=16',
  'model.image.tokenHidden=16',
  'model.image.channelHidden=16',
  'model.points.count=64',
  'model.points.hidden=[16,16]',
  'model.proprio.hidden=16',
  'model.predictor.width=32',
  'plan.samples=32',
  'plan.elites=8',
  'plan.horizon=3',
  'plan.iterations=2',
  'agent.exploration.babbleSteps=20',
  'learn.minFrames=16',
  'learn.batchSize=4',
  'learn.capacityFrames=500',
];

/**
 * The full mode's world and model, sized so that one arm and seed trains and is evaluated in
 * about a minute on two shared CPU cores: a 64 px camera with every pixel in the cloud (a
 * 32 px one leaves a small object one or two points after perception), 32 px model images,
 * 128 perceived points, a 32-d latent per modality, 40-tick episodes, a 128-sample planner.
 * Pass --set to go larger.
 */
export const FULL_OVERRIDES: readonly string[] = [
  'sim.episodeSteps=40',
  'sim.camera.width=64',
  'sim.camera.height=64',
  'sim.pointCount=4096',
  'model.latentDim=32',
  'model.image.size=32',
  'model.image.patchSize=8',
  'model.image.width=32',
  'model.image.tokenHidden=32',
  'model.image.channelHidden=64',
  'model.points.count=128',
  'model.points.hidden=[32,32]',
  'model.proprio.hidden=32',
  'model.predictor.width=128',
  'plan.samples=128',
  'plan.elites=16',
  'plan.horizon=5',
  'plan.iterations=2',
  'learn.minFrames=128',
  'learn.batchSize=16',
  'learn.capacityFrames=5000',
];

/** The config sizes of `eval ablate` / `eval transfer` in quick or full mode, applied before the user's --set. */
export function modeOverrides(quick: boolean | undefined): readonly string[] {
  return quick === true ? QUICK_OVERRIDES : FULL_OVERRIDES;
}
