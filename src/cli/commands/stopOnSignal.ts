import { constants } from 'node:os';
import type { Logger } from '../../core/index.js';

/** A command's way to stop cleanly on SIGINT or SIGTERM. */
export interface SignalStop {
  /** Aborted at the first SIGINT or SIGTERM, with the signal's name as reason. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** 128 + the signal's number once one was received (130 for SIGINT, 143 for SIGTERM), else undefined: the exit code of an interrupted job. */
  readonly exitCode: number | undefined;
  /** Resolves at the first signal. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Removes the handlers (a later signal then ends the process as Node does by default). */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Installs SIGINT and SIGTERM handlers for a command that must stop in order (checkpoint
 * written, bag closed): the first signal aborts `signal` and is logged; a second one ends the
 * process at once with 128 + its number, for a person who will not wait.
 */
export function stopOnSignal(logger: Logger, what: string): SignalStop {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let resolveStopped: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      logger.error(`${signal} again: quitting at once; what was being written may be incomplete (jepa-agent bag repair recovers a bag's complete chunks)`);
      process.exit(128 + constants.signals[signal]);
    }
    received = signal;
    logger.warn(`${signal}: stopping ${what} in order (send it again to quit at once)`);
    controller.abort(signal);
    resolveStopped(signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? undefined : 128 + constants.signals[received];
    },
    stopped,
    dispose: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
