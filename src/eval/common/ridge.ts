/**
 * Closed-form ridge regression on plain Float64Arrays: deterministic, no optimiser, fast at
 * the sizes probes use. Features are centred (the intercept is not penalised); the penalty
 * is chosen per fit by exact leave-one-out error over a grid (closed form for ridge), so a
 * probe has no hand-tuned strength. Solves the d x d system when d <= n, else the n x n
 * kernel system, so few-shot fits on wide features stay cheap.
 */
export interface RidgeModel {
  readonly inputs: number;
  readonly outputs: number;
  /** [inputs, outputs] row-major. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** The penalty chosen. */
  readonly lambda: number;
  /** Rows [n, inputs] -> [n, outputs]. */
  predict(x: ArrayLike<number>, n: number): Float64Array;
}

export interface RidgeOptions {
  /** Penalties relative to the mean squared row norm of the centred features; default 1e-3 .. 1e2. */
  readonly alphas?: readonly number[];
  /**
   * Group id of each row (e.g. the episode a frame came from). When given, the penalty is
   * chosen by 5-fold cross-validation over whole groups instead of leave-one-out, because
   * frames of one episode are near copies of each other and leave-one-out would then reward
   * overfitting. Only used when d <= n.
   */
  readonly groups?: ArrayLike<number>;
}

export const DEFAULT_ALPHAS: readonly number[] = [1e-3, 1e-2, 1e-1, 1, 10, 100];

/** Fits y [n, k] from x [n, d]. */
export function fitRidge(x: ArrayLike<number>, n: number, d: number, y: ArrayLike<number>, k: number, options: RidgeOptions = {}): RidgeModel {
  if (!(n >= 1) || x.length !== n * d) throw new RangeError(`ridge: x has ${x.length} values, expected ${n} x ${d}`);
  if (y.length !== n * k) throw new RangeError(`ridge: y has ${y.length} values, expected ${n} x ${k}`);
  const xMean = columnMeans(x, n, d);
  const yMean = columnMeans(y, n, k);
  const xc = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] = x[i * d + j] - xMean[j];
  const yc = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) yc[i * k + j] = y[i * k + j] - yMean[j];
  let scale = 0;
  for (let i = 0; i < xc.length; i++) scale += xc[i] * xc[i];
  scale = Math.max(scale / n, 1e-12);
  const alphas = options.alphas ?? DEFAULT_ALPHAS;
  const primal = d <= n;
  // Gram matrix of the smaller side: X^T X [d, d] or X X^T [n, n].
  const gram = primal ? crossProduct(xc, n, d) : outerProduct(xc, n, d);
  let best: { lambda: number; loo: number; weights: Float64Array } | undefined;
  for (const alpha of alphas) {
    const lambda = alpha * scale;
    const fit = primal ? solvePrimal(xc, gram, yc, n, d, k, lambda) : solveDual(xc, gram, yc, n, d, k, lambda);
    if (primal && options.groups !== undefined && alphas.length > 1) fit.loo = groupCv(xc, gram, yc, n, d, k, lambda, options.groups);
    // With one alpha (or one row) there is nothing to choose.
    const loo = alphas.length === 1 || n < 3 ? 0 : fit.loo;
    if (best === undefined || loo < best.loo - 1e-12) best = { lambda, loo, weights: fit.weights };
  }
  const weights = best!.weights;
  const bias = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = yMean[j];
    for (let i = 0; i < d; i++) s -= xMean[i] * weights[i * k + j];
    bias[j] = s;
  }
  return {
    inputs: d,
    outputs: k,
    weights,
    bias,
    lambda: best!.lambda,
    predict: (rows, m) => {
      if (rows.length !== m * d) throw new RangeError(`ridge.predict: ${rows.length} values, expected ${m} x ${d}`);
      const out = new Float64Array(m * k);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < k; j++) out[r * k + j] = bias[j];
        for (let i = 0; i < d; i++) {
          const v = rows[r * d + i];
          if (v === 0) continue;
          for (let j = 0; j < k; j++) out[r * k + j] += v * weights[i * k + j];
        }
      }
      return out;
    },
  };
}

function columnMeans(a: ArrayLike<number>, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m[j] += a[i * d + j];
  for (let j = 0; j < d; j++) m[j] /= n;
  return m;
}

/** X^T X, [d, d]. */
function crossProduct(x: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const off = r * d;
    for (let i = 0; i < d; i++) {
      const v = x[off + i];
      if (v === 0) continue;
      for (let j = i; j < d; j++) g[i * d + j] += v * x[off + j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) g[i * d + j] = g[j * d + i];
  return g;
}

/** X X^T, [n, n]. */
function outerProduct(x: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += x[a * d + i] * x[b * d + i];
      g[a * n + b] = s;
      g[b * n + a] = s;
    }
  }
  return g;
}

/** Cholesky factor L (lower, row-major) of the SPD matrix a + lambda I. */
export function cholesky(a: Float64Array, size: number, lambda = 0): Float64Array {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * size + j] + (i === j ? lambda : 0);
      for (let p = 0; p < j; p++) s -= l[i * size + p] * l[j * size + p];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`cholesky: matrix is not positive definite at row ${i} (pivot ${s})`);
        l[i * size + i] = Math.sqrt(s);
      } else {
        l[i * size + j] = s / l[j * size + j];
      }
    }
  }
  return l;
}

/** Solves (L L^T) z = b for b [size, cols] in place. */
export function choleskySolve(l: Float64Array, size: number, b: Float64Array, cols: number): Float64Array {
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < size; i++) {
      let s = b[i * cols + c];
      for (let p = 0; p < i; p++) s -= l[i * size + p] * b[p * cols + c];
      b[i * cols + c] = s / l[i * size + i];
    }
    for (let i = size - 1; i >= 0; i--) {
      let s = b[i * cols + c];
      for (let p = i + 1; p < size; p++) s -= l[p * size + i] * b[p * cols + c];
      b[i * cols + c] = s / l[i * size + i];
    }
  }
  return b;
}

interface Fit {
  weights: Float64Array;
  /** Mean squared leave-one-out residual. */
  loo: number;
}

function solvePrimal(x: Float64Array, gram: Float64Array, y: Float64Array, n: number, d: number, k: number, lambda: number): Fit {
  const l = cholesky(gram, d, lambda);
  const xty = new Float64Array(d * k);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) xty[i * k + j] += x[r * d + i] * y[r * k + j];
  const weights = choleskySolve(l, d, xty, k);
  // Leverage h_rr = x_r^T (X^T X + lambda I)^-1 x_r, from the same factor.
  let loo = 0;
  const z = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) z[i] = x[r * d + i];
    forwardSolve(l, d, z);
    let h = 0;
    for (let i = 0; i < d; i++) h += z[i] * z[i];
    for (let j = 0; j < k; j++) {
      let pred = 0;
      for (let i = 0; i < d; i++) pred += x[r * d + i] * weights[i * k + j];
      const e = (y[r * k + j] - pred) / Math.max(1 - h, 1e-9);
      loo += e * e;
    }
  }
  return { weights, loo: loo / (n * k) };
}

function solveDual(x: Float64Array, gram: Float64Array, y: Float64Array, n: number, d: number, k: number, lambda: number): Fit {
  const l = cholesky(gram, n, lambda);
  const alpha = choleskySolve(l, n, Float64Array.from(y), k);
  const weights = new Float64Array(d * k);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) weights[i * k + j] += x[r * d + i] * alpha[r * k + j];
  // LOO residual of kernel ridge: alpha_r / [(K + lambda I)^-1]_rr, times lambda's scale cancels.
  const inv = new Float64Array(n);
  const e = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    e.fill(0);
    e[r] = 1;
    forwardSolve(l, n, e);
    let s = 0;
    for (let i = 0; i < n; i++) s += e[i] * e[i];
    inv[r] = s;
  }
  let loo = 0;
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) loo += (alpha[r * k + j] / inv[r]) ** 2;
  return { weights, loo: loo / (n * k) };
}

const FOLDS = 5;

/** Mean squared held-out residual over folds of whole groups (group id mod 5). */
function groupCv(x: Float64Array, gram: Float64Array, y: Float64Array, n: number, d: number, k: number, lambda: number, groups: ArrayLike<number>): number {
  if (groups.length !== n) throw new RangeError(`ridge: ${groups.length} group ids for ${n} rows`);
  const fold = (r: number): number => ((Math.round(groups[r]) % FOLDS) + FOLDS) % FOLDS;
  let sse = 0;
  let count = 0;
  for (let f = 0; f < FOLDS; f++) {
    const g = Float64Array.from(gram);
    const xty = new Float64Array(d * k);
    let held = 0;
    for (let r = 0; r < n; r++) {
      if (fold(r) === f) {
        held++;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g[i * d + j] -= x[r * d + i] * x[r * d + j];
      } else {
        for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) xty[i * k + j] += x[r * d + i] * y[r * k + j];
      }
    }
    if (held === 0 || held === n) continue;
    const w = choleskySolve(cholesky(g, d, lambda), d, xty, k);
    for (let r = 0; r < n; r++) {
      if (fold(r) !== f) continue;
      for (let j = 0; j < k; j++) {
        let pred = 0;
        for (let i = 0; i < d; i++) pred += x[r * d + i] * w[i * k + j];
        sse += (y[r * k + j] - pred) ** 2;
        count++;
      }
    }
  }
  return count > 0 ? sse / count : 0;
}

/** z <- L^-1 z. */
function forwardSolve(l: Float64Array, size: number, z: Float64Array): void {
  for (let i = 0; i < size; i++) {
    let s = z[i];
    for (let p = 0; p < i; p++) s -= l[i * size + p] * z[p];
    z[i] = s / l[i * size + i];
  }
}
