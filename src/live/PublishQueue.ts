/** A message waiting to be built, encoded and sent. */
export interface PendingMessage {
  readonly topic: string;
  readonly stampNs: bigint;
  /** Builds the message; runs after the tick that queued it, never inside it. */
  readonly build: () => unknown;
}

/**
 * A bounded FIFO between the control loop and the live view's sockets. `push` never waits:
 * when the queue is full the oldest message is dropped and counted under its topic. The queue
 * drains on a later turn of the event loop (setImmediate), so building and encoding happen
 * after the tick that queued them, never inside it.
 */
export class PublishQueue {
  readonly #capacity: number;
  readonly #drain: (message: PendingMessage) => void;
  #items: PendingMessage[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  readonly #dropped: Record<string, number> = {};
  #droppedTotal = 0;
  #closed = false;

  constructor(capacity: number, drain: (message: PendingMessage) => void) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`PublishQueue: capacity must be an integer >= 1, got ${capacity}`);
    this.#capacity = capacity;
    this.#drain = drain;
  }

  push(message: PendingMessage): void {
    if (this.#closed) return;
    if (this.#items.length >= this.#capacity) {
      const old = this.#items.shift()!;
      this.#dropped[old.topic] = (this.#dropped[old.topic] ?? 0) + 1;
      this.#droppedTotal++;
    }
    this.#items.push(message);
    this.#scheduled ??= setImmediate(() => this.#run());
  }

  get length(): number {
    return this.#items.length;
  }

  /** Messages dropped because the queue was full, per topic. */
  dropped(): Readonly<Record<string, number>> {
    return { ...this.#dropped };
  }

  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  /** Drops what is queued (not counted) and stops draining. */
  close(): void {
    this.#closed = true;
    this.#items = [];
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
  }

  #run(): void {
    this.#scheduled = undefined;
    const items = this.#items;
    this.#items = [];
    for (const item of items) this.#drain(item);
  }
}
