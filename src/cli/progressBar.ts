/**
 * A one-line progress bar on stderr when it is a terminal; otherwise a plain line every 10%,
 * so CI logs and pipes stay readable.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number, extra?: string) => void {
  const start = Date.now();
  let lastDecile = -1;
  return (done, total, extra = '') => {
    const fraction = total > 0 ? done / total : 1;
    const elapsed = (Date.now() - start) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    const text = `${label} ${(100 * fraction).toFixed(0).padStart(3)}% ${done}/${total} ${elapsed.toFixed(0)}s elapsed, ~${eta.toFixed(0)}s left ${extra}`;
    if (stream.isTTY) {
      const width = 24;
      const filled = Math.round(width * fraction);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      if (done >= total) stream.write('\n');
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${text}\n`);
      }
    }
  };
}
