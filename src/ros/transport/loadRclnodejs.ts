import { createRequire } from 'node:module';
import type { PreflightProbe } from './rosPreflight.js';
import { nodeProbe, preflightMessage, rosPreflight } from './rosPreflight.js';
import type { Rclnodejs } from './rclnodejsApi.js';

/** ROS 2 is not there (not sourced, or rclnodejs not built); the message says what is missing. */
export class RosUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RosUnavailableError';
  }
}

/**
 * The only place rclnodejs is imported, and only after the preflight passes and its native
 * binary has been seen to load: a binary that does not load would make the import start a
 * blocking rebuild that deletes a working build. `what` names the command for the message.
 */
export async function loadRclnodejs(
  what: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  probe: PreflightProbe = nodeProbe(),
): Promise<Rclnodejs> {
  const result = rosPreflight(env, probe);
  if (!result.ok || result.binary === undefined) throw new RosUnavailableError(preflightMessage(result, what));
  if (env.RCLNODEJS_FORCE_BUILD === '1') {
    throw new RosUnavailableError(`${what}: RCLNODEJS_FORCE_BUILD=1 would make importing rclnodejs rebuild it (minutes, blocking); unset it`);
  }
  try {
    // Loads (and caches) the same file rclnodejs's loader picks, so its own load cannot fail after this.
    createRequire(import.meta.url)(result.binary);
  } catch (error) {
    throw new RosUnavailableError(
      `${what}: rclnodejs's native binary ${result.binary} does not load (${(error instanceof Error ? error.message : String(error)).split('\n')[0]}); it was probably built against another ROS 2: with ROS_DISTRO=${result.distro} sourced, run \`npm rebuild rclnodejs\``,
      { cause: error },
    );
  }
  // A variable specifier keeps TypeScript from resolving the optional package at build time.
  const specifier = 'rclnodejs';
  const mod = (await import(specifier)) as { default?: Rclnodejs } & Rclnodejs;
  return mod.default ?? mod;
}
