// Shared fixtures for the planner tests: a known linear world model, its exact optimum, and a
// float64 reference cost, so planners are checked against mathematics rather than themselves.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { CostConfig, PlanConfig } from '../../src/core/index.js';
import { planConfigSchema } from '../../src/core/index.js';
import type { JointLimits, LatentDynamics, PlannerConfig } from '../../src/plan/index.js';
import { useTestBackend } from '../backend.js';

/** Runs the tests on the suite's backend (test/backend.ts: wasm unless JEPA_TEST_BACKEND names another). */
export async function useBackend(): Promise<string> {
  await useTestBackend();
  return tf.getBackend();
}

type Matrix = number[][];

/** s' = A s + B a, with an optional linear read-out q = C s as the decoded proprioception. */
export class LinearDynamics implements LatentDynamics {
  readonly latentDim: number;
  readonly actionDim: number;
  readonly A: Matrix;
  readonly B: Matrix;
  readonly C: Matrix | undefined;
  readonly #At: tf.Tensor2D;
  readonly #Bt: tf.Tensor2D;
  readonly #Ct: tf.Tensor2D | undefined;

  constructor(A: Matrix, B: Matrix, C?: Matrix) {
    this.latentDim = A.length;
    this.actionDim = B[0].length;
    this.A = A;
    this.B = B;
    this.C = C;
    // Pre-transposed so that predict is two plain matMuls of row vectors.
    this.#At = tf.tensor2d(transpose(A));
    this.#Bt = tf.tensor2d(transpose(B));
    this.#Ct = C === undefined ? undefined : tf.tensor2d(transpose(C));
    if (C === undefined) this.decodeProprio = undefined;
  }

  predict(states: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(states, this.#At), tf.matMul(actions, this.#Bt)));
  }

  decodeProprio?(states: tf.Tensor2D): tf.Tensor2D {
    const Ct = this.#Ct;
    if (Ct === undefined) throw new Error('no read-out');
    return tf.matMul(states, Ct);
  }

  dispose(): void {
    tf.dispose([this.#At, this.#Bt]);
    if (this.#Ct !== undefined) this.#Ct.dispose();
  }

  /** The states after each action of a step-major sequence, in float64. */
  rollout(start: ArrayLike<number>, actions: ArrayLike<number>): number[][] {
    const H = actions.length / this.actionDim;
    let s = Array.from(start);
    const out: number[][] = [];
    for (let t = 0; t < H; t++) {
      const a = Array.from(actions).slice(t * this.actionDim, (t + 1) * this.actionDim);
      s = add(matVec(this.A, s), matVec(this.B, a));
      out.push(s);
    }
    return out;
  }
}

/** A rotation of R^n (product of Givens rotations): orthogonal, so B = Q diag(d) keeps BᵀB diagonal. */
export function rotation(n: number, angles: number[]): Matrix {
  let Q = identity(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const th = angles[k++ % angles.length];
      const G = identity(n);
      G[i][i] = Math.cos(th);
      G[j][j] = Math.cos(th);
      G[i][j] = -Math.sin(th);
      G[j][i] = Math.sin(th);
      Q = matMul(Q, G);
    }
  }
  return Q;
}

/**
 * Full plan config for tests: schema defaults, then overrides, then bounds. Without an override,
 * no smoothness term and the cheapest sequence seen is returned: the contracts and the exact
 * optimum below are about the goal, action and bounds terms.
 */
export function testConfig(
  overrides: Partial<Omit<PlanConfig, 'cost'>> & { cost?: Partial<CostConfig> },
  low: number[],
  high: number[],
  jointLimits?: JointLimits,
): PlannerConfig {
  const plan = planConfigSchema.parse({ select: 'best', ...overrides, cost: { smoothWeight: 0, ...overrides.cost } });
  return { ...plan, low, high, ...(jointLimits === undefined ? {} : { jointLimits }) };
}

/** The plan's MSE cost in float64 (goal, action and bounds terms), the reference for `rolloutCost`. */
export function referenceCost(
  model: LinearDynamics,
  start: ArrayLike<number>,
  goal: ArrayLike<number>,
  actions: ArrayLike<number>,
  cost: CostConfig,
  low: number[],
  high: number[],
  previousAction?: ArrayLike<number>,
): number {
  const states = model.rollout(start, actions);
  const H = states.length;
  const D = model.latentDim;
  const A = model.actionDim;
  let total = 0;
  states.forEach((s, t) => {
    const w = t === H - 1 ? cost.terminalWeight : cost.stageWeight;
    let d = 0;
    for (let i = 0; i < D; i++) d += (s[i] - goal[i]) ** 2;
    total += (w * d) / D;
  });
  for (let k = 0; k < actions.length; k++) {
    const i = k % A;
    const half = (high[i] - low[i]) / 2;
    total += (cost.actionWeight / A) * (actions[k] / half) ** 2;
    total += cost.boundsWeight * ((Math.max(0, actions[k] - high[i]) / half) ** 2 + (Math.max(0, low[i] - actions[k]) / half) ** 2);
    const before = k >= A ? actions[k - A] : previousAction?.[i];
    if (before !== undefined) total += (cost.smoothWeight / A) * ((actions[k] - before) / half) ** 2;
  }
  return total;
}

/**
 * The exact unconstrained minimiser of the MSE goal + action cost of a linear model: the
 * stacked states are affine in the stacked actions, so the cost is quadratic and its normal
 * equations are solved directly.
 */
export function exactOptimum(
  model: LinearDynamics,
  start: ArrayLike<number>,
  goal: ArrayLike<number>,
  H: number,
  cost: CostConfig,
  low: number[],
  high: number[],
): Float64Array {
  const D = model.latentDim;
  const A = model.actionDim;
  const n = H * A;
  const lhs: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const rhs = new Array<number>(n).fill(0);
  // powers[k] = A^k
  const powers: Matrix[] = [identity(D)];
  for (let k = 1; k <= H; k++) powers.push(matMul(model.A, powers[k - 1]));
  for (let t = 0; t < H; t++) {
    const w = (t === H - 1 ? cost.terminalWeight : cost.stageWeight) / D;
    // M_t [D, n]: block k is A^(t-k) B for k <= t.
    const M: Matrix = Array.from({ length: D }, () => new Array<number>(n).fill(0));
    for (let k = 0; k <= t; k++) {
      const blk = matMul(powers[t - k], model.B);
      for (let r = 0; r < D; r++) for (let c = 0; c < A; c++) M[r][k * A + c] = blk[r][c];
    }
    const resid = sub(Array.from(goal), matVec(powers[t + 1], Array.from(start)));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let r = 0; r < D; r++) acc += M[r][i] * M[r][j];
        lhs[i][j] += w * acc;
      }
      let acc = 0;
      for (let r = 0; r < D; r++) acc += M[r][i] * resid[r];
      rhs[i] += w * acc;
    }
  }
  for (let i = 0; i < n; i++) {
    const half = (high[i % A] - low[i % A]) / 2;
    lhs[i][i] += cost.actionWeight / A / half ** 2;
  }
  return Float64Array.from(solve(lhs, rhs));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

export function diag(values: number[], rows = values.length): Matrix {
  return Array.from({ length: rows }, (_, i) => values.map((v, j) => (i === j ? v : 0)));
}

export function matMul(X: Matrix, Y: Matrix): Matrix {
  return X.map((row) => Y[0].map((_, j) => row.reduce((acc, x, k) => acc + x * Y[k][j], 0)));
}

function matVec(X: Matrix, v: number[]): number[] {
  return X.map((row) => row.reduce((acc, x, k) => acc + x * v[k], 0));
}

function transpose(X: Matrix): Matrix {
  return X[0].map((_, j) => X.map((row) => row[j]));
}

function add(a: number[], b: number[]): number[] {
  return a.map((x, i) => x + b[i]);
}

function sub(a: number[], b: number[]): number[] {
  return a.map((x, i) => x - b[i]);
}

/** Gaussian elimination with partial pivoting. */
function solve(M: Matrix, y: number[]): number[] {
  const n = y.length;
  const a = M.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = a[r][n];
    for (let k = r + 1; k < n; k++) acc -= a[r][k] * x[k];
    x[r] = acc / a[r][r];
  }
  return x;
}

/** A stable, rotating linear system whose B has orthogonal columns (so box-clipping is exact at horizon 1). */
export function knownModel(): LinearDynamics {
  const Arot = rotation(4, [0.3, -0.2, 0.1]).map((row) => row.map((x) => 0.9 * x));
  const B = matMul(rotation(4, [0.7, 0.4, -0.5, 0.2]), diag([0.9, 0.8, 0.7], 4));
  return new LinearDynamics(Arot, B);
}

export const START = [0.2, -0.1, 0.3, 0];

/** A goal reachable in `H` steps from START by actions well inside the bounds: rolls out `inside`. */
export function reachableGoal(model: LinearDynamics, H: number): number[] {
  const inside = Array.from({ length: H * model.actionDim }, (_, i) => 0.8 * Math.sin(1.3 * i + 0.5));
  return model.rollout(START, inside)[H - 1];
}
