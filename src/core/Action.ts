/**
 * Actions are bounded continuous vectors with a declared space, so that a planner, a sink
 * and a bag all agree on what each number means.
 */
export type ActionSpaceKind =
  /** One position delta per arm joint (radians per control step), then the gripper command. */
  | 'joint_delta'
  /** End-effector translation delta (metres per control step, base frame) x, y, z, then the gripper command. */
  | 'ee_delta';

export interface ActionSpace {
  readonly kind: ActionSpaceKind;
  /** One name per component, e.g. ["shoulder_pan", ..., "gripper"] or ["dx", "dy", "dz", "gripper"]. */
  readonly names: readonly string[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export interface Action {
  readonly space: ActionSpaceKind;
  readonly values: Float32Array;
}

export function actionDim(space: ActionSpace): number {
  return space.names.length;
}

export function makeActionSpace(
  kind: ActionSpaceKind,
  names: readonly string[],
  low: ArrayLike<number>,
  high: ArrayLike<number>,
): ActionSpace {
  if (low.length !== names.length || high.length !== names.length) {
    throw new RangeError(
      `action space ${kind}: ${names.length} names but ${low.length} lows and ${high.length} highs`,
    );
  }
  for (let i = 0; i < names.length; i++) {
    if (!(low[i] < high[i])) {
      throw new RangeError(`action space ${kind}: component ${names[i]} has low ${low[i]} >= high ${high[i]}`);
    }
  }
  return Object.freeze({ kind, names: Object.freeze([...names]), low: Float32Array.from(low), high: Float32Array.from(high) });
}

/** Throws a clear error for a vector that cannot be an action of `space`. */
export function validateAction(space: ActionSpace, values: ArrayLike<number>): void {
  if (values.length !== space.names.length) {
    throw new RangeError(
      `action: expected ${space.names.length} values for space ${space.kind} (${space.names.join(', ')}), got ${values.length}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`action: component ${i} (${space.names[i]}) is ${values[i]}; actions must be finite`);
    }
  }
}

/** Validated copy of `values` clipped to the space's bounds. */
export function clipAction(space: ActionSpace, values: ArrayLike<number>): Action {
  validateAction(space, values);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.min(space.high[i], Math.max(space.low[i], values[i]));
  }
  return { space: space.kind, values: out };
}

/** Uniform sample inside the bounds. */
export function sampleAction(space: ActionSpace, uniform01: () => number): Action {
  const out = new Float32Array(space.names.length);
  for (let i = 0; i < out.length; i++) out[i] = space.low[i] + (space.high[i] - space.low[i]) * uniform01();
  return { space: space.kind, values: out };
}
