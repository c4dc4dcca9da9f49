/**
 * Ledger records every soak call and how it ended, and finds the three
 * failures the soak exists to catch: a call that never settles (lost), a
 * call that settles twice (duplicated), and a reply or error that belongs
 * to another call (wrong).
 */
import { ErrorCode, RpcError } from '../../src/index.js';
import { injectedFailure } from './echo-args.js';
import type { EchoArgs } from './echo-args.js';
import { samePayload } from './payload.js';

/** What the caller asked for, to judge the outcome against. */
interface Expected {
  readonly args: EchoArgs;
  readonly startedAt: number;
}

/** Error codes the soak provokes on purpose; any other code is a finding. */
export const EXPECTED_CODES: readonly string[] = [
  ErrorCode.Server,
  ErrorCode.Timeout,
  ErrorCode.Aborted,
  ErrorCode.ConnectionLost,
  ErrorCode.Shutdown,
];

/** LedgerTotals are the counts a soak run reports. */
export interface LedgerTotals {
  readonly calls: number;
  readonly successes: number;
  /** Errors by `code`; `RPC_SERVER_ERROR` is split further in `serverErrors`. */
  readonly errors: Readonly<Record<string, number>>;
  /** Server errors by kind: `injected`, `handler-timeout`, or the message. */
  readonly serverErrors: Readonly<Record<string, number>>;
  readonly lost: number;
  readonly duplicated: number;
  readonly wrong: number;
  /** Errors with a code the soak does not provoke (see {@link EXPECTED_CODES}). */
  readonly unexpected: number;
  /** Payload bytes sent in calls. */
  readonly bytesSent: number;
  /** Slowest settlement seen, in ms. */
  readonly maxSettleMs: number;
  /** Up to 10 descriptions of wrong or unexpected outcomes, for the report. */
  readonly samples: readonly string[];
}

/** Ledger counts calls and settlements; see the module comment. */
export class Ledger {
  /** Calls not settled yet (settled ones are dropped so payloads can be freed). */
  private readonly open = new Map<number, Expected>();
  /** Settlements per call id (ids are dense, from 1). */
  private readonly settlements: number[] = [];
  private nextId = 1;
  private tracked = 0;
  private successes = 0;
  private duplicated = 0;
  private wrong = 0;
  private unexpected = 0;
  private bytesSent = 0;
  private maxSettleMs = 0;
  private readonly errors: Record<string, number> = {};
  private readonly serverErrors: Record<string, number> = {};
  private readonly samples: string[] = [];

  /** newId hands out the next call id. */
  newId(): number {
    return this.nextId++;
  }

  /**
   * track records a call about to be made and attaches to its promise;
   * every settlement of `promise` is counted against `args.Id`.
   */
  track(args: EchoArgs, payloadBytes: number, promise: Promise<unknown>): Promise<void> {
    const id = args.Id;
    this.open.set(id, { args, startedAt: performance.now() });
    this.settlements[id] = 0;
    this.tracked++;
    this.bytesSent += payloadBytes;
    return promise.then(
      (reply) => this.settle(id, reply, undefined),
      (err: unknown) => this.settle(id, undefined, err),
    );
  }

  private settle(id: number, reply: unknown, err: unknown): void {
    const n = (this.settlements[id] = (this.settlements[id] ?? 0) + 1);
    const e = this.open.get(id);
    this.open.delete(id);
    if (n > 1 || e === undefined) {
      this.duplicated++;
      this.note(`call ${id} settled ${n} times`);
      return;
    }
    this.maxSettleMs = Math.max(this.maxSettleMs, performance.now() - e.startedAt);
    if (err === undefined) this.judgeReply(e.args, reply);
    else this.judgeError(e.args, err);
  }

  private judgeReply(args: EchoArgs, reply: unknown): void {
    const r = reply as { Id?: unknown; Token?: unknown; Payload?: unknown } | null;
    if (args.Fail) {
      this.wrong++;
      this.note(`call ${args.Id} asked for a failure but got a reply (Id ${String(r?.Id)})`);
      return;
    }
    if (r === null || typeof r !== 'object' || r.Id !== args.Id || r.Token !== args.Token || !samePayload(args.Payload, r.Payload)) {
      this.wrong++;
      this.note(`call ${args.Id} got a reply for Id ${String(r?.Id)} / token ${String(r?.Token)}`);
      return;
    }
    this.successes++;
  }

  private judgeError(args: EchoArgs, err: unknown): void {
    const code = err instanceof RpcError ? err.code : 'NOT_AN_RPC_ERROR';
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    if (!EXPECTED_CODES.includes(code)) {
      this.unexpected++;
      this.note(`call ${args.Id}: unexpected ${code}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (code !== ErrorCode.Server) return;
    const message = (err as Error).message;
    let kind: string;
    if (message === injectedFailure(args.Token)) kind = 'injected';
    else if (/^rpc: Soak\.Echo timed out after \d+ ms$/.test(message)) kind = 'handler-timeout';
    else kind = message.slice(0, 80);
    this.serverErrors[kind] = (this.serverErrors[kind] ?? 0) + 1;
    if (kind === 'injected' ? !args.Fail : message.includes('injected failure')) {
      this.wrong++;
      this.note(`call ${args.Id} got another call's error: ${message}`);
    } else if (kind !== 'injected' && kind !== 'handler-timeout') {
      this.unexpected++;
      this.note(`call ${args.Id}: unexpected server error: ${message}`);
    }
  }

  private note(text: string): void {
    if (this.samples.length < 10) this.samples.push(text);
  }

  /** settled is the number of calls that have settled so far. */
  get settled(): number {
    return this.tracked - this.open.size;
  }

  /** pending is the number of calls not settled yet. */
  get pending(): number {
    return this.open.size;
  }

  /** totals counts everything; calls not settled by now are lost. */
  totals(): LedgerTotals {
    const lost = this.pending;
    return {
      calls: this.tracked,
      successes: this.successes,
      errors: { ...this.errors },
      serverErrors: { ...this.serverErrors },
      lost,
      duplicated: this.duplicated,
      wrong: this.wrong,
      unexpected: this.unexpected,
      bytesSent: this.bytesSent,
      maxSettleMs: Math.round(this.maxSettleMs),
      samples: [...this.samples],
    };
  }
}
