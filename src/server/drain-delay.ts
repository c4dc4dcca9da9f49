import { timerDelay } from '../timer-delay.js';

/**
 * DrainDelay is the wait between a server turning not ready and starting
 * its drain: `done` resolves after `ms`, or at once when `end()` is called
 * (a second close() asking for no delay).
 */
export class DrainDelay {
  readonly done: Promise<void>;
  private finish!: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.done = new Promise<void>((resolve) => (this.finish = resolve));
    if (ms > 0) this.timer = setTimeout(this.finish, timerDelay(ms));
    else this.finish();
  }

  /** end cuts the delay short. */
  end(): void {
    clearTimeout(this.timer);
    this.finish();
  }
}
