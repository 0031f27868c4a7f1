import type { DoubleBuffer, MainModule, MjData, MjModel } from 'mujoco-js';
import type { RobotConfig } from '../core/config/robotConfig.js';
import { defaultRobotConfig } from '../core/config/robotConfig.js';
import type { Vec3 } from '../core/Pose.js';
import type { MjObjectKind } from './mujoco.js';
import { findId, namesOf, SceneLoadError } from './mujoco.js';

/** The robot's finger joints and actuators, with the joint and control values of closed and open. */
interface Gripper {
  readonly qposAddress: Int32Array;
  readonly actuatorIds: Int32Array;
  readonly closed: number;
  readonly open: number;
  readonly ctrlClosed: number;
  readonly ctrlOpen: number;
}

/**
 * Kinematics of the arm the robot description names: joint addresses, the tool site, and
 * inverse kinematics for end-effector delta control. IK is damped least squares on the tool
 * position plus a "tool points down" term over the description's IK joints, iterated on a
 * scratch MjData so the simulated state is untouched. Every name is checked against the
 * compiled model here; an error names the description's key and the robot file.
 */
export class ArmKinematics {
  readonly robot: RobotConfig;
  readonly qposAddress: Int32Array;
  readonly dofAddress: Int32Array;
  readonly actuatorIds: Int32Array;
  readonly jointLow: Float64Array;
  readonly jointHigh: Float64Array;
  /** Joint positions at reset, in arm-joint order. */
  readonly home: Float64Array;
  readonly siteId: number;
  readonly baseBodyId: number;
  /** Body ids of the fingers (grasp tests); empty without a gripper. */
  readonly fingerBodyIds: Int32Array;
  readonly #gripper: Gripper | undefined;
  /** Arm-joint indices the IK moves; the others it holds at home. */
  readonly #ikJoints: Int32Array;
  /** Column of the site's rotation matrix that IK points down, and its sign. */
  readonly #downColumn: number;
  readonly #downSign: number;
  readonly #mj: MainModule;
  readonly #model: MjModel;
  readonly #scratch: MjData;
  readonly #jacp: DoubleBuffer;
  readonly #jacr: DoubleBuffer;

  /** `source` names the robot in errors (its MJCF path). */
  constructor(mj: MainModule, model: MjModel, robot: RobotConfig = defaultRobotConfig(), source: string = robot.mjcf) {
    this.#mj = mj;
    this.#model = model;
    this.robot = robot;
    const id = (kind: MjObjectKind, name: string, key: string): number => {
      const found = findId(mj, model, kind, name);
      if (found >= 0) return found;
      const known = namesOf(mj, model, kind);
      const listed = known.length > 40 ? `${known.slice(0, 40).join(', ')}, ...` : known.join(', ');
      throw new SceneLoadError(`sim.robot.${key}: robot ${source} has no ${kind} named '${name}' (the scene's ${kind}s: ${listed || 'none'})`);
    };
    const jointType = model.jnt_type as Int32Array;
    const oneDof = (j: number, name: string, key: string): number => {
      const t = jointType[j];
      if (t !== mj.mjtJoint.mjJNT_HINGE.value && t !== mj.mjtJoint.mjJNT_SLIDE.value) {
        throw new SceneLoadError(`sim.robot.${key}: joint '${name}' of robot ${source} is not a hinge or slide joint`);
      }
      return j;
    };
    const joints = robot.joints.map((n) => oneDof(id('joint', n, 'joints'), n, 'joints'));
    this.qposAddress = Int32Array.from(joints, (j) => model.jnt_qposadr[j]);
    this.dofAddress = Int32Array.from(joints, (j) => model.jnt_dofadr[j]);
    this.actuatorIds = Int32Array.from(robot.actuators, (n, i) => {
      const a = id('actuator', n, 'actuators');
      // The IK and joint deltas write joint targets into ctrl: actuators[i] must be the servo of joints[i].
      const drivesJoint = model.actuator_trntype[a] === mj.mjtTrn.mjTRN_JOINT.value && model.actuator_trnid[2 * a] === joints[i];
      if (!drivesJoint) throw new SceneLoadError(`sim.robot.actuators: actuator '${n}' of robot ${source} does not drive joint '${robot.joints[i]}' (actuators[${i}] must drive joints[${i}])`);
      return a;
    });
    // An unlimited joint has range [0, 0] in the model: no bound for IK and deltas.
    const limited = (j: number): boolean => model.jnt_limited[j] !== 0;
    this.jointLow = Float64Array.from(joints, (j) => (limited(j) ? model.jnt_range[2 * j] : -Infinity));
    this.jointHigh = Float64Array.from(joints, (j) => (limited(j) ? model.jnt_range[2 * j + 1] : Infinity));
    this.home = Float64Array.from(robot.home);
    this.#ikJoints = Int32Array.from(robot.ikJoints, (n) => robot.joints.indexOf(n));
    const axis = robot.endEffector.downAxis;
    this.#downColumn = 'xyz'.indexOf(axis[axis.length - 1]);
    this.#downSign = axis.startsWith('-') ? -1 : 1;
    this.siteId = id('site', robot.endEffector.site, 'endEffector.site');
    this.baseBodyId = id('body', robot.baseBody, 'baseBody');
    const g = robot.gripper;
    if (g) {
      const fingers = g.joints.map((n) => oneDof(id('joint', n, 'gripper.joints'), n, 'gripper.joints'));
      this.#gripper = {
        qposAddress: Int32Array.from(fingers, (j) => model.jnt_qposadr[j]),
        actuatorIds: Int32Array.from(g.actuators, (n) => id('actuator', n, 'gripper.actuators')),
        closed: g.closed,
        open: g.open,
        ctrlClosed: g.ctrlClosed ?? g.closed,
        ctrlOpen: g.ctrlOpen ?? g.open,
      };
      this.fingerBodyIds = Int32Array.from(g.fingerBodies, (n) => id('body', n, 'gripper.fingerBodies'));
    } else {
      this.fingerBodyIds = new Int32Array(0);
    }
    this.#scratch = new mj.MjData(model);
    this.#jacp = new mj.DoubleBuffer(3 * model.nv);
    this.#jacr = new mj.DoubleBuffer(3 * model.nv);
  }

  get jointCount(): number {
    return this.qposAddress.length;
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

  /** Gripper opening in [0, 1] from the first finger joint's position; 1 (open) for a robot without a gripper. */
  gripperOpening(data: MjData): number {
    const g = this.#gripper;
    if (!g) return 1;
    const q = data.qpos[g.qposAddress[0]] as number;
    return Math.min(1, Math.max(0, (q - g.closed) / (g.open - g.closed)));
  }

  /** Sets the arm joint positions (and zero velocities) directly: for resets and goal renders. */
  setArmPositions(data: MjData, q: ArrayLike<number>): void {
    for (let i = 0; i < this.jointCount; i++) {
      data.qpos[this.qposAddress[i]] = q[i];
      data.qvel[this.dofAddress[i]] = 0;
      data.ctrl[this.actuatorIds[i]] = q[i];
    }
  }

  /** Commands the fingers to `opening` in [0, 1] (and puts them there with `alsoPosition`); nothing without a gripper. */
  setGripper(data: MjData, opening: number, alsoPosition = false): void {
    const g = this.#gripper;
    if (!g) return;
    const t = Math.min(1, Math.max(0, opening));
    const ctrl = g.ctrlClosed + (g.ctrlOpen - g.ctrlClosed) * t;
    for (const a of g.actuatorIds) data.ctrl[a] = ctrl;
    if (alsoPosition) {
      const q = g.closed + (g.open - g.closed) * t;
      for (const adr of g.qposAddress) data.qpos[adr] = q;
    }
  }

  /**
   * Joint positions that bring the tool to `target` (world) pointing down, starting from
   * `q0`; joints outside the IK set go to their home position. Returns the solution and the
   * remaining position error in metres.
   */
  solve(q0: ArrayLike<number>, target: Vec3, iterations = 12): { q: Float64Array; error: number } {
    const mj = this.#mj;
    const m = this.#model;
    const d = this.#scratch;
    const q = Float64Array.from(q0);
    const ik = this.#ikJoints;
    for (let i = 0; i < q.length; i++) if (!ik.includes(i)) q[i] = this.home[i];
    const nv = m.nv;
    const lambda2 = 1e-3;
    const orientationWeight = 0.3;
    const n = ik.length;
    let error = Infinity;
    for (let it = 0; it <= iterations; it++) {
      for (let i = 0; i < this.jointCount; i++) d.qpos[this.qposAddress[i]] = q[i];
      mj.mj_kinematics(m, d);
      mj.mj_comPos(m, d);
      const p = this.toolPosition(d);
      const e = [target[0] - p[0], target[1] - p[1], target[2] - p[2]];
      error = Math.hypot(e[0], e[1], e[2]);
      if (it === iterations || error < 1e-4) break;
      // The tool's down axis (a column of the site rotation) should point down: rotation error = axis × (0,0,-1).
      const xmat = d.site_xmat as Float64Array;
      const o = 9 * this.siteId + this.#downColumn;
      const s = this.#downSign;
      const x: Vec3 = [s * xmat[o], s * xmat[o + 3], s * xmat[o + 6]];
      const er = [-x[1], x[0], 0].map((v) => v * orientationWeight);
      mj.mj_jacSite(m, d, this.#jacp, this.#jacr, this.siteId);
      const jp = this.#jacp.GetView() as Float64Array;
      const jr = this.#jacr.GetView() as Float64Array;
      // 6 x n Jacobian over the IK joints.
      const J: number[][] = [];
      const err: number[] = [];
      for (let r = 0; r < 3; r++) {
        J.push(Array.from({ length: n }, (_, c) => jp[r * nv + this.dofAddress[ik[c]]]));
        err.push(e[r]);
      }
      for (let r = 0; r < 3; r++) {
        J.push(Array.from({ length: n }, (_, c) => orientationWeight * jr[r * nv + this.dofAddress[ik[c]]]));
        err.push(er[r]);
      }
      // dq = (J^T J + lambda^2 I)^-1 J^T e
      const A: number[][] = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => J.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? lambda2 : 0)),
      );
      const b = Array.from({ length: n }, (_, i) => J.reduce((s, row, r) => s + row[i] * err[r], 0));
      const dq = solveSymmetric(A, b);
      for (let i = 0; i < n; i++) {
        const k = ik[i];
        q[k] = Math.min(this.jointHigh[k], Math.max(this.jointLow[k], q[k] + dq[i]));
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

/** Gaussian elimination with partial pivoting; n is the IK joint count (4 to 7), so no library is worth it. */
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
