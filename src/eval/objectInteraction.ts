import type { TrueState } from '../sim/SimEnv.js';

/** Whether an episode touched and moved the scene's first object, from the true state (measurement only). */
export interface EpisodeInteraction {
  /** Steps taken. */
  readonly ticks: number;
  /** Steps after which an arm geom touched an object geom. */
  readonly contactTicks: number;
  /** Planar (x, y) distance of the first object from the episode's start to its end, metres. */
  readonly displacement: number;
}

/** Interaction over a set of episodes, as the reports show it. */
export interface InteractionStats {
  readonly episodes: number;
  readonly ticks: number;
  readonly contactTicks: number;
  /** contactTicks / ticks (NaN without ticks). */
  readonly contactShare: number;
  readonly meanDisplacementCm: number;
  /** Episodes whose object moved more than MOVED_THRESHOLD_M, and their share. */
  readonly movedEpisodes: number;
  readonly movedShare: number;
}

/** Displacement that counts as moving the object: above settling jitter, below any real push. */
export const MOVED_THRESHOLD_M = 0.01;

/**
 * Follows one episode: `start` with the state after reset, `step` with the state after each
 * env step, `end` for the result. Reads only fields trueState() already computes, so the
 * contact scan stays one per step.
 */
export class InteractionMeter {
  #start: readonly [number, number] | undefined;
  #last: readonly [number, number] | undefined;
  #ticks = 0;
  #contactTicks = 0;

  start(state: TrueState): void {
    this.#start = planar(state);
    this.#last = this.#start;
    this.#ticks = 0;
    this.#contactTicks = 0;
  }

  step(state: TrueState): void {
    if (this.#start === undefined) throw new Error('InteractionMeter.step: call start(state) at the episode reset first');
    this.#ticks++;
    if (state.armTouchesObject) this.#contactTicks++;
    this.#last = planar(state);
  }

  end(): EpisodeInteraction {
    if (this.#start === undefined || this.#last === undefined) throw new Error('InteractionMeter.end: call start(state) at the episode reset first');
    const [x0, y0] = this.#start;
    const [x1, y1] = this.#last;
    return { ticks: this.#ticks, contactTicks: this.#contactTicks, displacement: Number.isNaN(x0) ? 0 : Math.hypot(x1 - x0, y1 - y0) };
  }
}

/** Pools episodes: contact share over all their ticks, displacement averaged per episode. */
export function interactionStats(episodes: readonly EpisodeInteraction[]): InteractionStats {
  const ticks = episodes.reduce((n, e) => n + e.ticks, 0);
  const contactTicks = episodes.reduce((n, e) => n + e.contactTicks, 0);
  const n = episodes.length;
  const moved = episodes.filter((e) => e.displacement > MOVED_THRESHOLD_M).length;
  return {
    episodes: n,
    ticks,
    contactTicks,
    contactShare: ticks > 0 ? contactTicks / ticks : NaN,
    meanDisplacementCm: n > 0 ? (100 * episodes.reduce((s, e) => s + e.displacement, 0)) / n : NaN,
    movedEpisodes: moved,
    movedShare: n > 0 ? moved / n : NaN,
  };
}

/** x, y of the scene's first object; NaN when the scene has none (displacement 0). */
function planar(state: TrueState): readonly [number, number] {
  const o = state.objects[0];
  return o ? [o.position[0], o.position[1]] : [NaN, NaN];
}
