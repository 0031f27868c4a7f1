/**
 * Axis tick values at round numbers: multiples of the smallest step of the form
 * 1, 2 or 5 x 10^k that leaves at most `maxTicks` ticks inside [lo, hi] (both ends included
 * when they are multiples). Values are rounded to 12 significant digits so 0.1 * 3 reads 0.3.
 */
export function niceTicks(lo: number, hi: number, maxTicks = 7): number[] {
  checkRange('niceTicks', lo, hi, maxTicks);
  return multiples(lo, hi, niceStep(lo, hi, maxTicks));
}

/** The step `niceTicks` uses for the same arguments. */
export function niceStep(lo: number, hi: number, maxTicks = 7): number {
  checkRange('niceStep', lo, hi, maxTicks);
  // Start one decade below the even split and walk up 1, 2, 5, 10, ... until few enough fit.
  let decade = Math.pow(10, Math.floor(Math.log10((hi - lo) / maxTicks)) - 1);
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * decade;
      if (Math.floor(hi / step + 1e-9) - Math.ceil(lo / step - 1e-9) + 1 <= maxTicks) return step;
    }
    decade *= 10;
  }
}

/**
 * Ticks for a logarithmic axis over [lo, hi] (lo > 0): over at most two decades, 1, 2, 5 x 10^k
 * when that gives 2..maxTicks of them, or `niceTicks`' linear values when fewer than two
 * (placed logarithmically by the caller); otherwise whole decades, every n-th if too many.
 */
export function logTicks(lo: number, hi: number, maxTicks = 7): number[] {
  checkRange('logTicks', lo, hi, maxTicks);
  if (!(lo > 0)) throw new RangeError(`logTicks: a log axis needs lo > 0, got [${lo}, ${hi}]`);
  const kLo = Math.ceil(Math.log10(lo) - 1e-9), kHi = Math.floor(Math.log10(hi) + 1e-9);
  const decades = kHi - kLo + 1;
  if (Math.log10(hi / lo) <= 2 + 1e-9) {
    const ticks: number[] = [];
    for (let k = kLo - 1; k <= kHi; k++) {
      for (const m of [1, 2, 5]) {
        const v = round12(m * Math.pow(10, k));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
      }
    }
    if (ticks.length >= 2 && ticks.length <= maxTicks) return ticks;
    if (ticks.length < 2) return niceTicks(lo, hi, maxTicks);
  }
  const stride = Math.ceil(decades / maxTicks);
  const ticks: number[] = [];
  for (let k = Math.ceil(kLo / stride) * stride; k <= kHi; k += stride) ticks.push(round12(Math.pow(10, k)));
  return ticks;
}

/**
 * Labels for one axis' ticks, all in one notation: fixed with as many decimals as the step
 * needs ("0.0", "0.2", ...), or "2.5e6" / "1e-5" when the values reach 1e6 or the step is
 * below 1e-4. `step` is the tick spacing; 'log' gives each tick the decimals it needs itself.
 */
export function formatTicks(values: readonly number[], step: number | 'log'): string[] {
  const stepOf = (v: number): number => (step === 'log' ? ownDecade(v) : step);
  const biggest = Math.max(0, ...values.map(Math.abs));
  const smallestStep = Math.min(...values.filter((v) => v !== 0).map(stepOf), step === 'log' ? Infinity : step);
  const exponential = biggest >= 1e6 || smallestStep < 1e-4;
  return values.map((v) => {
    const s = v === 0 ? smallestStep : stepOf(v);
    if (!exponential) return v.toFixed(Math.max(0, -Math.floor(Math.log10(s) + 1e-9)));
    if (v === 0) return '0';
    const digits = Math.min(6, Math.max(0, Math.floor(Math.log10(Math.abs(v)) + 1e-9) - Math.floor(Math.log10(s) + 1e-9)));
    const [mantissa, exponent] = v.toExponential(digits).split('e');
    return `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${Number(exponent)}`;
  });
}

/** The largest power of ten that `v` is a whole multiple of: 0.31 -> 0.01, 2e-5 -> 1e-5. */
function ownDecade(v: number): number {
  let s = Math.pow(10, Math.floor(Math.log10(Math.abs(v)) + 1e-9));
  for (let n = 0; n < 15 && Math.abs(v / s - Math.round(v / s)) > 1e-6; n++) s /= 10;
  return s;
}

function multiples(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9); i <= last; i++) out.push(round12(i * step));
  return out;
}

function round12(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(12));
}

function checkRange(fn: string, lo: number, hi: number, maxTicks: number): void {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new RangeError(`${fn}: range must be finite with lo < hi, got [${lo}, ${hi}]`);
  if (!Number.isInteger(maxTicks) || maxTicks < 2) throw new RangeError(`${fn}: maxTicks must be an integer >= 2, got ${maxTicks}`);
}
