/**
 * Clips a step-major action sequence into [low, high] in place, such that every float32 value
 * also compares inside the (float64) bounds: float32 rounding of a clipped 0.2 gives
 * 0.20000000298..., which a strict consumer would reject as out of bounds.
 */
export function clipToBounds(actions: Float32Array, low: ArrayLike<number>, high: ArrayLike<number>): Float32Array {
  const A = low.length;
  for (let i = 0; i < actions.length; i++) {
    const lo = low[i % A];
    const hi = high[i % A];
    let x = Math.fround(Math.min(hi, Math.max(lo, actions[i])));
    if (x > hi) x = nextFloat32Toward(x, -Infinity);
    if (x < lo) x = nextFloat32Toward(x, Infinity);
    actions[i] = x;
  }
  return actions;
}

const word = new Float32Array(1);
const bits = new Int32Array(word.buffer);

/** The adjacent float32 of the finite, non-zero-crossing value `x` in the direction of `to`. */
function nextFloat32Toward(x: number, to: number): number {
  word[0] = x;
  if (x === 0) return to > 0 ? 1.4e-45 : -1.4e-45;
  // For float32 of one sign, the bit pattern is monotonic in the magnitude.
  bits[0] += (to > x) === (x > 0) ? 1 : -1;
  return word[0];
}
