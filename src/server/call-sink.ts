import { CallHistory } from './call-history.js';

/**
 * CallOutcome is how a server call ended: `ok` (the handler returned),
 * `error` (it threw or rejected), `timeout` (the server's handler time
 * limit passed), `cancelled` (the client gave up on it), `rejected`
 * (answered with an error before a handler ran: bad arguments).
 */
export type CallOutcome = 'ok' | 'error' | 'timeout' | 'cancelled' | 'rejected';

/** CallRecord is one answered call, as {@link CallListener}s see it. */
export interface CallRecord {
  readonly service: string;
  readonly method: string;
  /** Handler time in ms (0 for `rejected`). */
  readonly ms: number;
  readonly outcome: CallOutcome;
  /** What the handler threw or rejected with, for `error`. */
  readonly cause?: unknown;
}

/** CallListener receives every answered call of a server. */
export type CallListener = (record: CallRecord) => void;

/**
 * CallSink is where a server's methods report answered calls: it counts
 * them in the server's {@link CallHistory} and hands them to listeners.
 * With no listener (the default) recording a call builds nothing.
 */
export class CallSink {
  /** Calls and errors per 5 s over the last 5 minutes, all methods together. */
  readonly history = new CallHistory();
  private listeners: CallListener[] = [];

  /** active is true while anyone listens. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** listen adds a listener; the returned function removes it. */
  listen(listener: CallListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** emit hands one record to every listener; a listener that throws does not stop the others or the call. */
  emit(record: CallRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // Instrumentation must never break serving.
      }
    }
  }
}
