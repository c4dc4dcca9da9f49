import { abortedError } from '../abort.js';
import { ErrorCode, RpcError } from '../errors.js';
import { timerDelay } from '../timer-delay.js';

/**
 * CallBound is what limits one pool call as a whole, retries and waits for
 * a connection included: the caller's AbortSignal and a deadline. Every
 * wait it guards rejects with an RpcError (RPC_ABORTED or RPC_TIMEOUT),
 * never a bare AbortError, marked `unsent` while no attempt went out.
 */
export class CallBound {
  private readonly serviceMethod: string;
  private readonly signal: AbortSignal | undefined;
  private readonly timeoutMs: number;
  private readonly deadline: number;
  /** True once an attempt went out on a connection; until then a bound's error says the call was never sent. */
  private sent = false;

  /** `timeoutMs` 0 means no deadline. */
  constructor(serviceMethod: string, signal: AbortSignal | undefined, timeoutMs: number) {
    this.serviceMethod = serviceMethod;
    this.signal = signal;
    this.timeoutMs = timeoutMs;
    this.deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
  }

  /** remainingMs is the time left (at least 1 while the deadline has not passed), 0 for no deadline. */
  remainingMs(): number {
    if (this.deadline === Infinity) return 0;
    return Math.max(1, Math.ceil(this.deadline - performance.now()));
  }

  /** check throws the call's error when it was aborted or its deadline passed. */
  check(): void {
    if (this.signal?.aborted) throw this.abortError(this.signal);
    if (performance.now() >= this.deadline) throw this.timeoutError();
  }

  /** wait resolves as `promise` does, or rejects once the call is aborted or out of time. */
  wait<T>(promise: Promise<T>): Promise<T> {
    this.check();
    if (!this.signal && this.deadline === Infinity) return promise;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(() => reject(this.abortError(this.signal!)));
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        settle();
      };
      if (this.deadline !== Infinity) {
        timer = setTimeout(() => finish(() => reject(this.timeoutError())), timerDelay(this.deadline - performance.now()));
      }
      this.signal?.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => finish(() => resolve(value)),
        (err: unknown) => finish(() => reject(err)),
      );
    });
  }

  /** sleep waits `ms`, bounded like wait. */
  sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const slept = new Promise<void>((resolve) => (timer = setTimeout(resolve, timerDelay(ms))));
    return this.wait(slept).finally(() => clearTimeout(timer));
  }

  /** markSent records that an attempt is about to go out on a connection (its errors may no longer be marked unsent). */
  markSent(): void {
    this.sent = true;
  }

  private abortError(signal: AbortSignal): RpcError {
    return abortedError(this.serviceMethod, signal, !this.sent);
  }

  private timeoutError(): RpcError {
    return new RpcError(ErrorCode.Timeout, `rpc: ${this.serviceMethod} timed out after ${this.timeoutMs} ms`, { unsent: !this.sent });
  }
}
