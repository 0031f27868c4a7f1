import type { Logger } from '../../core/index.js';
import type { LifecycleCallbacks } from '../transport/index.js';

/** The primary states of a ROS 2 managed (lifecycle) node. */
export type LifecycleState = 'unconfigured' | 'inactive' | 'active' | 'finalized';
export type LifecycleTransition = 'configure' | 'activate' | 'deactivate' | 'cleanup' | 'shutdown';

// From -> to of each transition, as in the ROS 2 managed-node design (shutdown from any primary state but finalized).
const TRANSITIONS: Record<LifecycleTransition, { from: readonly LifecycleState[]; to: LifecycleState }> = {
  configure: { from: ['unconfigured'], to: 'inactive' },
  activate: { from: ['inactive'], to: 'active' },
  deactivate: { from: ['active'], to: 'inactive' },
  cleanup: { from: ['inactive'], to: 'unconfigured' },
  shutdown: { from: ['unconfigured', 'inactive', 'active'], to: 'finalized' },
};

const CALLBACK: Record<LifecycleTransition, keyof LifecycleCallbacks> = {
  configure: 'onConfigure',
  activate: 'onActivate',
  deactivate: 'onDeactivate',
  cleanup: 'onCleanup',
  shutdown: 'onShutdown',
};

/**
 * The managed-node state machine, testable without ROS 2: a transition runs its callback and
 * moves to the target state when the callback returns true, stays when it returns false, and
 * on a thrown error goes to unconfigured (ROS 2's ErrorProcessing with a successful on_error)
 * after logging it. An rclnodejs LifecycleNode runs its own copy; `callbacks()` keeps this
 * one in step with it. `onSettled` runs after every transition, in the state it ended in.
 */
export class Lifecycle {
  readonly #callbacks: LifecycleCallbacks;
  readonly #logger: Logger;
  readonly #onSettled: ((state: LifecycleState, transition: LifecycleTransition) => void) | undefined;
  #state: LifecycleState = 'unconfigured';

  constructor(callbacks: LifecycleCallbacks, logger: Logger, onSettled?: (state: LifecycleState, transition: LifecycleTransition) => void) {
    this.#callbacks = callbacks;
    this.#logger = logger;
    this.#onSettled = onSettled;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  /** Runs `transition`; returns whether it succeeded. Throws for a transition the state does not allow. */
  trigger(transition: LifecycleTransition): boolean {
    const { from, to } = TRANSITIONS[transition];
    if (!from.includes(this.#state)) {
      throw new RangeError(`lifecycle: cannot ${transition} from state ${this.#state} (allowed from ${from.join(', ')})`);
    }
    let ok: boolean;
    try {
      ok = this.#callbacks[CALLBACK[transition]]();
    } catch (error) {
      this.#logger.error(`lifecycle: ${transition} failed: ${error instanceof Error ? error.message : String(error)}; node is unconfigured`);
      this.#state = transition === 'shutdown' ? 'finalized' : 'unconfigured';
      this.#onSettled?.(this.#state, transition);
      return false;
    }
    if (ok) this.#state = to;
    else this.#logger.warn(`lifecycle: ${transition} refused; node stays ${this.#state}`);
    this.#onSettled?.(this.#state, transition);
    return ok;
  }

  /** Callbacks for an rclnodejs LifecycleNode that drive this machine (it validated the transition already). */
  callbacks(): LifecycleCallbacks {
    return {
      onConfigure: () => this.trigger('configure'),
      onActivate: () => this.trigger('activate'),
      onDeactivate: () => this.trigger('deactivate'),
      onCleanup: () => this.trigger('cleanup'),
      onShutdown: () => this.trigger('shutdown'),
    };
  }
}
