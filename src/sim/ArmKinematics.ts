import type { DoubleBuffer, MainModule, MjData, MjModel } from 'mujoco-js';
import type { Vec3 } from '../core/Pose.js';
import { requireId } from './mujoco.js';

/** The arm joints the controller drives, in action order. */
export const ARM_JOINTS = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll'] as const;
export const FINGER_JOINTS = ['finger_left', 'finger_right'] as const;
/** Joint positions of the home pose: tool above the table, pointing down. */
export const HOME_POSE: readonly number[] = [0, -1.0, 1.7, Math.PI / 2 - 0.7, 0];
/** Finger joint range: closed (inner faces touch) to open. */
export const FINGER_CLOSED = -0.025;
export const FINGER_OPEN = 0.02;

/**
 * Kinematics of the tabletop arm: joint addresses, the tool site, and inverse kinematics
 * for end-effector delta control. IK is damped least squares on the tool position plus a
 * "tool points down" term, iterated on a scratch MjData so the simulated state is untouched.
 */
export class ArmKinematics {
  readonly qposAddress: Int32Array;
  readonly dofAddress: Int32Array;
  readonly fingerQposAddress: Int32Array;
  readonly actuatorIds: Int32Array;
  readonly fingerActuatorIds: Int32Array;
  readonly jointLow: Float64Array;
  readonly jointHigh: Float64Array;
  readonly siteId: number;
  readonly baseBodyId: number;
  readonly #mj: MainModule;
  readonly #model: MjModel;
  readonly #scratch: MjData;
  readonly #jacp: DoubleBuffer;
  readonly #jacr: DoubleBuffer;

  constructor(mj: MainModule, model: MjModel) {
    this.#mj = mj;
    this.#model = model;
    const joints = ARM_JOINTS.map((n) => requireId(mj, model, 'joint', n));
    const fingers = FINGER_JOINTS.map((n) => requireId(mj, model, 'joint', n));
    this.qposAddress = Int32Array.from(joints, (j) => model.jnt_qposadr[j]);
    this.dofAddress = Int32Array.from(joints, (j) => model.jnt_dofadr[j]);
    this.fingerQposAddress = Int32Array.from(fingers, (j) => model.jnt_qposadr[j]);
    this.actuatorIds = Int32Array.from(ARM_JOINTS, (n) => requireId(mj, model, 'actuator', n));
    this.fingerActuatorIds = Int32Array.from(FINGER_JOINTS, (n) => requireId(mj, model, 'actuator', n));
    this.jointLow = Float64Array.from(joints, (j) => model.jnt_range[2 * j]);
    this.jointHigh = Float64Array.from(joints, (j) => model.jnt_range[2 * j + 1]);
    this.siteId = requireId(mj, model, 'site', 'ee');
    this.baseBodyId = requireId(mj, model, 'body', 'base');
    this.#scratch = new mj.MjData(model);
    this.#jacp = new mj.DoubleBuffer(3 * model.nv);
    this.#jacr = new mj.DoubleBuffer(3 * model.nv);
  }

  armPositions(data: MjData): Float64Array {
    return Float64Array.from(this.qposAddress, (a) => data.qpos[a]);
  }

  armVelocities(data: MjData): Float64Array {
    return Float64Array.from(this.dofAddress, (a) => data.qvel[a]);
  }

  toolPosition(data: MjData): Vec3 {
    const p = data.site_xpos as Float64Array;
    const i = 3 * this.siteId;
    return [p[i], p[i + 1], p[i + 2]];
  }

  /** Row-major 3x3 rotation of the tool site in world. */
  toolMatrix(data: MjData): number[] {
    return Array.from((data.site_xmat as Float64Array).subarray(9 * this.siteId, 9 * this.siteId + 9));
  }

  /** Gripper opening in [0, 1] from the left finger's joint position. */
  gripperOpening(data: MjData): number {
    const q = data.qpos[this.fingerQposAddress[0]] as number;
    return Math.min(1, Math.max(0, (q - FINGER_CLOSED) / (FINGER_OPEN - FINGER_CLOSED)));
  }

  /** Sets the arm joint positions (and zero velocities) directly: for resets and goal renders. */
  setArmPositions(data: MjData, q: ArrayLike<number>): void {
    for (let i = 0; i < ARM_JOINTS.length; i++) {
      data.qpos[this.qposAddress[i]] = q[i];
      data.qvel[this.dofAddress[i]] = 0;
      data.ctrl[this.actuatorIds[i]] = q[i];
    }
  }

  setGripper(data: MjData, opening: number, alsoPosition = false): void {
    const q = FINGER_CLOSED + (FINGER_OPEN - FINGER_CLOSED) * Math.min(1, Math.max(0, opening));
    for (let i = 0; i < FINGER_JOINTS.length; i++) {
      data.ctrl[this.fingerActuatorIds[i]] = q;
      if (alsoPosition) data.qpos[this.fingerQposAddress[i]] = q;
    }
  }

  /**
   * Joint positions that bring the tool to `target` (world) pointing down, starting from
   * `q0`. Returns the solution and the remaining position error in metres.
   */
  solve(q0: ArrayLike<number>, target: Vec3, iterations = 12, wrist_roll = 0): { q: Float64Array; error: number } {
    const mj = this.#mj;
    const m = this.#model;
    const d = this.#scratch;
    const q = Float64Array.from(q0);
    q[4] = wrist_roll;
    const nv = m.nv;
    const lambda2 = 1e-3;
    const orientationWeight = 0.3;
    let error = Infinity;
    for (let it = 0; it <= iterations; it++) {
      for (let i = 0; i < ARM_JOINTS.length; i++) d.qpos[this.qposAddress[i]] = q[i];
      mj.mj_kinematics(m, d);
      mj.mj_comPos(m, d);
      const p = this.toolPosition(d);
      const e = [target[0] - p[0], target[1] - p[1], target[2] - p[2]];
      error = Math.hypot(e[0], e[1], e[2]);
      if (it === iterations || error < 1e-4) break;
      // Tool x axis (the finger direction) should point down: rotation error = x_tool × (0,0,-1).
      const xmat = d.site_xmat as Float64Array;
      const o = 9 * this.siteId;
      const x: Vec3 = [xmat[o], xmat[o + 3], xmat[o + 6]];
      const er = [-x[1], x[0], 0].map((v) => v * orientationWeight);
      mj.mj_jacSite(m, d, this.#jacp, this.#jacr, this.siteId);
      const jp = this.#jacp.GetView() as Float64Array;
      const jr = this.#jacr.GetView() as Float64Array;
      // 6 x 4 Jacobian over the first four arm joints (the roll does not move the tool point).
      const n = 4;
      const J: number[][] = [];
      const err: number[] = [];
      for (let r = 0; r < 3; r++) {
        J.push(Array.from({ length: n }, (_, c) => jp[r * nv + this.dofAddress[c]]));
        err.push(e[r]);
      }
      for (let r = 0; r < 3; r++) {
        J.push(Array.from({ length: n }, (_, c) => orientationWeight * jr[r * nv + this.dofAddress[c]]));
        err.push(er[r]);
      }
      // dq = (J^T J + lambda^2 I)^-1 J^T e
      const A: number[][] = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => J.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? lambda2 : 0)),
      );
      const b = Array.from({ length: n }, (_, i) => J.reduce((s, row, r) => s + row[i] * err[r], 0));
      const dq = solveSymmetric(A, b);
      for (let i = 0; i < n; i++) {
        q[i] = Math.min(this.jointHigh[i], Math.max(this.jointLow[i], q[i] + dq[i]));
      }
    }
    return { q, error };
  }

  delete(): void {
    this.#jacp.delete();
    this.#jacr.delete();
    this.#scratch.delete();
  }
}

/** Gaussian elimination with partial pivoting; n is 4 here, so no library is worth it. */
function solveSymmetric(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[pivot][c])) pivot = r;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
