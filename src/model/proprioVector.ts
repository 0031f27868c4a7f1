import type { Proprioception } from '../core/index.js';

/**
 * The one place that fixes what each number of the model's proprio vector means:
 * [joint positions (jointSlots), joint velocities (jointSlots), end-effector x y z, gripper].
 * An arm with fewer joints than slots leaves the rest zero, so one model size fits several arms.
 */
export interface ProprioLayout {
  readonly dim: number;
  readonly jointSlots: number;
  /** Index ranges [start, end). */
  readonly positions: readonly [number, number];
  readonly velocities: readonly [number, number];
  readonly endEffector: readonly [number, number];
  readonly gripper: number;
}

export function proprioLayout(dim: number): ProprioLayout {
  const slots = (dim - 4) / 2;
  if (!Number.isInteger(slots) || slots < 1) {
    throw new RangeError(`proprio dim ${dim}: expected 2 x joints + 4 (positions, velocities, ee xyz, gripper), e.g. 10 or 18`);
  }
  return {
    dim,
    jointSlots: slots,
    positions: [0, slots],
    velocities: [slots, 2 * slots],
    endEffector: [2 * slots, 2 * slots + 3],
    gripper: 2 * slots + 3,
  };
}

/** Positions of the end-effector xyz in a proprio vector of `dim` values (the planner's end-effector goal term reads these). */
export function endEffectorIndices(dim: number): number[] {
  const [from, to] = proprioLayout(dim).endEffector;
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** Writes the proprio vector of `p` into `out` at `offset` (a new array when omitted). */
export function proprioVector(p: Proprioception, dim: number, out = new Float32Array(dim), offset = 0): Float32Array {
  const layout = proprioLayout(dim);
  const joints = p.jointNames.length;
  if (joints > layout.jointSlots) {
    throw new RangeError(
      `proprio: ${joints} joints do not fit model proprio.dim ${dim} (${layout.jointSlots} joint slots); ` +
        `set proprio.dim to ${2 * joints + 4}`,
    );
  }
  if (p.positions.length !== joints || p.velocities.length !== joints) {
    throw new RangeError(
      `proprio: ${joints} joint names but ${p.positions.length} positions and ${p.velocities.length} velocities`,
    );
  }
  out.fill(0, offset, offset + dim);
  for (let j = 0; j < joints; j++) {
    out[offset + layout.positions[0] + j] = p.positions[j];
    out[offset + layout.velocities[0] + j] = p.velocities[j];
  }
  for (let k = 0; k < 3; k++) out[offset + layout.endEffector[0] + k] = p.endEffector.position[k];
  out[offset + layout.gripper] = p.gripper;
  return out;
}
