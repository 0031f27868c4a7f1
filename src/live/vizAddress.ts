/** Where the live view listens. */
export interface VizAddress {
  readonly host: string;
  readonly port: number;
}

/** The default host: loopback only, so nothing outside the machine sees the robot's cameras unless asked. */
export const VIZ_DEFAULT_HOST = '127.0.0.1';

/**
 * Parses `--viz [host:]port`: `8765`, `0.0.0.0:8765`, `localhost:8765`, `[::1]:8765`. Port 0
 * asks the system for a free one. Without a host it binds loopback (127.0.0.1).
 */
export function parseVizAddress(text: string, what = '--viz'): VizAddress {
  const s = text.trim();
  const m = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d+)$/.exec(s);
  if (m === null) throw new RangeError(`${what}: expected [host:]port (e.g. 8765 or 0.0.0.0:8765), got '${text}'`);
  const port = Number(m[3]);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new RangeError(`${what}: port must be 0..65535, got ${m[3]}`);
  return { host: m[1] ?? m[2] ?? VIZ_DEFAULT_HOST, port };
}
