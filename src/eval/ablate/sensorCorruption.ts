import type { Observation } from '../../core/Observation.js';
import { Rng } from '../../core/Rng.js';
import type { SimEnv } from '../../sim/SimEnv.js';

/**
 * Sensor faults injected between the simulation and the agent, on top of the camera noise
 * the simulation models itself (sim.noise: depth noise, depth pixel dropout, colour jitter).
 */
export interface SensorCorruption {
  /** Fraction of ticks on which no RGB frame arrives (a camera that drops frames). */
  readonly rgbDropout?: number;
  /** Fraction of ticks on which no point cloud (nor depth image) arrives. */
  readonly pointsDropout?: number;
  /** Gaussian noise added to every RGB value, std in 0..255 units (a noisy, low-light sensor). */
  readonly rgbNoiseStd?: number;
}

/** Whether a corruption changes anything. */
export function corrupts(c: SensorCorruption | undefined): boolean {
  return c !== undefined && ((c.rgbDropout ?? 0) > 0 || (c.pointsDropout ?? 0) > 0 || (c.rgbNoiseStd ?? 0) > 0);
}

/**
 * The environment as the agent senses it through faulty sensors: every observation that
 * `reset`, `step` and `observe` return is corrupted; goal observations, true state and
 * everything else pass through. The random stream restarts at each reset from (seed, episode
 * seed), so an evaluation episode gets the same faults tick for tick in every ablation arm.
 * Why a wrapper rather than a SimEnv option: the faults belong to the experiment, and the loop
 * (SimWorld, the learner) then sees them exactly as it would see a real sensor's gaps.
 */
export function corruptSensors(env: SimEnv, corruption: SensorCorruption | undefined, seed: number): SimEnv {
  if (!corrupts(corruption)) return env;
  const c = corruption as SensorCorruption;
  for (const key of ['rgbDropout', 'pointsDropout'] as const) {
    const v = c[key] ?? 0;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`sensor corruption: ${key} must be in [0, 1], got ${v}`);
  }
  if (!((c.rgbNoiseStd ?? 0) >= 0)) throw new RangeError(`sensor corruption: rgbNoiseStd must be >= 0, got ${c.rgbNoiseStd}`);
  let rng = new Rng(`sensor-corruption:${seed}:start`);
  const corrupt = (obs: Observation): Observation => {
    const dropRgb = rng.next() < (c.rgbDropout ?? 0);
    const dropPoints = rng.next() < (c.pointsDropout ?? 0);
    let rgb = dropRgb ? undefined : obs.rgb;
    if (rgb !== undefined && (c.rgbNoiseStd ?? 0) > 0) {
      const data = new Uint8Array(rgb.data.length);
      for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(rgb.data[i] + rng.normal(0, c.rgbNoiseStd))));
      rgb = { ...rgb, data };
    }
    // The cloud comes from the depth camera: both go missing together.
    const { rgb: _rgb, points: _points, depth: _depth, ...rest } = obs;
    void [_rgb, _points, _depth];
    return {
      ...rest,
      ...(rgb === undefined ? {} : { rgb }),
      ...(dropPoints || obs.points === undefined ? {} : { points: obs.points }),
      ...(dropPoints || obs.depth === undefined ? {} : { depth: obs.depth }),
    };
  };
  const overrides: Partial<Record<PropertyKey, unknown>> = {
    reset: (episodeSeed: number, options?: Parameters<SimEnv['reset']>[1]): Observation => {
      const first = env.reset(episodeSeed, options);
      rng = new Rng(`sensor-corruption:${seed}:${episodeSeed}`);
      return corrupt(first);
    },
    step: (action: ArrayLike<number>): ReturnType<SimEnv['step']> => {
      const result = env.step(action);
      return { ...result, observation: corrupt(result.observation) };
    },
    observe: (): Observation => corrupt(env.observe()),
  };
  // SimEnv keeps its state in #private fields, which a Proxy cannot reach: every other method
  // and getter runs on the real object.
  return new Proxy(env, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
