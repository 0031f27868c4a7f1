/**
 * Runs `onTick` every `periodMs` on an interval timer for `durationMs` and returns each tick's
 * lateness: how much later than one period after the previous tick it ran. A thread blocked
 * by other work (e.g. a training step) shows as lateness: this is how tests and benchmarks
 * check that learning stays off the control path.
 */
export function tickLateness(periodMs: number, durationMs: number, onTick: () => void = () => undefined): Promise<number[]> {
  if (!(periodMs > 0) || !(durationMs > 0)) {
    return Promise.reject(new RangeError(`tickLateness: period and duration must be > 0 ms, got ${periodMs} and ${durationMs}`));
  }
  return new Promise((resolve) => {
    const lateness: number[] = [];
    const start = performance.now();
    let last = start;
    const timer = setInterval(() => {
      const now = performance.now();
      lateness.push(Math.max(0, now - last - periodMs));
      last = now;
      onTick();
      if (now - start >= durationMs) {
        clearInterval(timer);
        resolve(lateness);
      }
    }, periodMs);
  });
}
