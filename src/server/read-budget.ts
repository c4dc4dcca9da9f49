/**
 * READ_ALLOWANCE_BYTES is what one connection may always hold, whatever the
 * server-wide total: a client making ordinary calls one at a time stays
 * within it and is never held back by others filling the budget.
 */
export const READ_ALLOWANCE_BYTES = 64 * 1024;

/** OVERDRAFT_AFTER_MS is how long the longest waiting connection waits before it may read past the budget. */
const OVERDRAFT_AFTER_MS = 1000;

/**
 * ReadBudget caps the memory all of a server's connections hold for reading:
 * bytes of messages not yet complete, the decoded cost of messages whose
 * calls are running (see decodedCost), and what codecs keep between
 * messages (gob's type tables). Past the limit, a connection that holds
 * more than READ_ALLOWANCE_BYTES stops reading (backpressure on its peer)
 * until the total is back under the limit; good clients with small calls
 * go on meanwhile.
 *
 * It cannot deadlock: when the connections that hold the budget are all
 * waiting (no call is running, so nothing would be given back), the
 * longest waiting one reads past the limit until its message is decoded;
 * and every OVERDRAFT_AFTER_MS that connections wait, that right passes to
 * the longest waiting one, so a peer that stalls half way through its
 * message cannot keep it. The total stays within the limit plus one
 * message per turn and one allowance per connection.
 */
export class ReadBudget {
  /** The most bytes held before connections are held back. */
  readonly limit: number;
  /** Bytes held by every share. */
  used = 0;
  /** Part of `used` held by running calls. */
  running = 0;
  /** Shares held back, in the order they started waiting. */
  private readonly waiting = new Set<ReadShare>();
  /** The share allowed past the limit, if any. */
  private overdraft: ReadShare | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly overdraftAfterMs: number;

  /** `overdraftAfterMs` is how long the oldest waiter waits before it may overdraw anyway. */
  constructor(limit: number, overdraftAfterMs = OVERDRAFT_AFTER_MS) {
    this.limit = limit;
    this.overdraftAfterMs = overdraftAfterMs;
  }

  /**
   * open gives a connection its share. `socket` is what pause() pauses;
   * `resume` is called when it may read again (the socket is left for the
   * connection to resume, as other reasons may still hold it).
   */
  open(socket: Pausable, resume: () => void): ReadShare {
    return new ReadShare(this, socket, resume);
  }

  /** waitingCount is the number of connections held back now. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** @internal */
  isOverdraft(share: ReadShare): boolean {
    return this.overdraft === share;
  }

  /** @internal */
  enqueue(share: ReadShare): void {
    this.waiting.add(share);
    this.settle();
  }

  /** @internal */
  leave(share: ReadShare): void {
    this.waiting.delete(share);
    if (this.overdraft === share) this.overdraft = null;
    this.settle();
  }

  /**
   * @internal settle wakes waiting shares back within their allowance, and
   * oldest first those whose wanted cost fits the room left (counting a
   * chunk of reading for each one woken), or lets the oldest overdraw when
   * none fits and no running call could give memory back.
   */
  settle(): void {
    if (this.overdraft !== null && this.overdraft.held <= READ_ALLOWANCE_BYTES) this.overdraft = null;
    if (this.waiting.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    let reserved = 0;
    let woke = false;
    for (const share of this.waiting) {
      if (share.held + share.wanted <= READ_ALLOWANCE_BYTES) {
        this.wake(share); // back within its allowance (its call ended)
        continue;
      }
      if (this.used + reserved + share.wanted > this.limit) continue;
      reserved += share.wanted + READ_ALLOWANCE_BYTES;
      this.wake(share);
      woke = true;
    }
    if (!woke && this.running === 0 && this.overdraft === null) this.grantOverdraft();
    if (this.timer === undefined && this.waiting.size > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.grantOverdraft();
        this.settle();
      }, this.overdraftAfterMs);
      this.timer.unref();
    }
  }

  /** grantOverdraft passes the overdraft to the oldest waiting share (from a holder that made no use of it in time). */
  private grantOverdraft(): void {
    const first = this.waiting.values().next();
    if (first.done) return;
    this.overdraft = first.value;
    this.wake(first.value);
  }

  private wake(share: ReadShare): void {
    this.waiting.delete(share);
    share.waiting = false;
    queueMicrotask(share.woken);
  }
}

/** Pausable is the part of a socket a share needs. */
export interface Pausable {
  pause(): unknown;
}

/**
 * ReadShare is one connection's part of a ReadBudget: what it holds in
 * partial messages and codec state (set after each read) and in running
 * calls (charged and released per call).
 */
export class ReadShare {
  private readonly budget: ReadBudget;
  private readonly socket: Pausable;
  private readonly resume: () => void;
  /** Bytes this share holds in all. */
  held = 0;
  /** True while queued for room. */
  waiting = false;
  /** True from pause() until the share is woken: the connection must not read. */
  paused = false;
  /** The cost it waits to take (0: it waits to read on). */
  wanted = 0;
  private buffered = 0;
  private closed = false;
  /** @internal Called (as a microtask) when a waiting share may read again. */
  readonly woken = (): void => {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.resume();
  };

  constructor(budget: ReadBudget, socket: Pausable, resume: () => void) {
    this.budget = budget;
    this.socket = socket;
    this.resume = resume;
  }

  /**
   * mayTake reports whether the connection may take `cost` more bytes now
   * (decode a message of that cost, or read on with cost 0): yes while the
   * total is under the limit, while it holds no more than the allowance,
   * or while it is the one allowed to overdraw.
   */
  mayTake(cost: number): boolean {
    const b = this.budget;
    return b.used + cost <= b.limit || this.held + cost <= READ_ALLOWANCE_BYTES || b.isOverdraft(this);
  }

  /**
   * pause stops the connection reading because mayTake(`cost`) said no: it
   * pauses the socket and queues for room; `resume` is called once that cost
   * fits (or the share may overdraw).
   */
  pause(cost: number): void {
    if (this.closed) return;
    this.paused = true;
    this.socket.pause();
    this.wait(cost);
  }

  /** wait queues the share for room for `cost` without touching the socket (pause does both). */
  wait(cost = 0): void {
    if (this.closed) return;
    this.wanted = cost;
    if (this.waiting) return;
    this.waiting = true;
    this.budget.enqueue(this);
  }

  /** setBuffered records the bytes held between reads (partial messages and codec state). */
  setBuffered(bytes: number): void {
    const delta = bytes - this.buffered;
    if (delta === 0 || this.closed) return;
    this.buffered = bytes;
    this.move(delta, 0);
  }

  /** chargeCall adds a running call's decoded cost; the overdraft, if this share had it, ends. */
  chargeCall(cost: number): void {
    if (this.closed) return;
    this.move(cost, cost);
  }

  /** releaseCall gives back what chargeCall took. */
  releaseCall(cost: number): void {
    if (this.closed) return;
    this.move(-cost, -cost);
  }

  /** close gives everything back; the share is not used after. */
  close(): void {
    if (this.closed) return;
    this.move(-this.held, -(this.held - this.buffered));
    this.closed = true;
    this.budget.leave(this);
  }

  private move(delta: number, running: number): void {
    const b = this.budget;
    this.held += delta;
    b.used += delta;
    b.running += running;
    if (running > 0 && b.isOverdraft(this)) b.leave(this);
    else if (delta < 0 || b.isOverdraft(this)) b.settle();
  }
}
