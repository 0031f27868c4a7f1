/**
 * The previous plan advanced by one step for a warm start: its first action has been executed,
 * so step t+1 becomes step t, and the freed last step repeats the previous last step or is
 * zero ("no motion" for delta action spaces).
 */
export function shiftPlan(
  actions: ArrayLike<number>,
  horizon: number,
  actionDim: number,
  tail: 'repeat' | 'zero',
): Float32Array {
  if (actions.length !== horizon * actionDim) {
    throw new RangeError(
      `shiftPlan: expected ${horizon * actionDim} values (horizon ${horizon} x actionDim ${actionDim}), got ${actions.length}`,
    );
  }
  const out = new Float32Array(horizon * actionDim);
  for (let i = actionDim; i < actions.length; i++) out[i - actionDim] = actions[i];
  if (tail === 'repeat') {
    for (let i = 0; i < actionDim; i++) out[(horizon - 1) * actionDim + i] = actions[(horizon - 1) * actionDim + i];
  }
  return out;
}
