import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import { RpcError } from '../errors.js';
import type { CallRecord, CallSink } from './call-sink.js';
import { peerAddress } from './peer-address.js';

/**
 * RefusalReason says why the server turned a socket away: `bad_request`
 * (400), `unauthorized` (401), `forbidden` (403), `not_found` (CONNECT on
 * another path, 404), `unsupported_codec` (415), `head_too_large` (431),
 * `overflow` (every connection slot taken: 503, or closed unanswered),
 * `draining` (the server is shutting down), `other` (any other status).
 */
export type RefusalReason = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'unsupported_codec' | 'head_too_large' | 'overflow' | 'draining' | 'other';

const REASON_BY_STATUS: Readonly<Record<number, RefusalReason>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  415: 'unsupported_codec',
  431: 'head_too_large',
  503: 'overflow',
};

/** Traffic counts the bytes RPC connections carried after their handshake. */
export interface Traffic {
  bytesIn: number;
  bytesOut: number;
}

/** ConnectionFacts is what the telemetry reads of a connection. */
export interface ConnectionFacts {
  readonly info: { readonly codecName: string; readonly remoteAddress: string | undefined };
}

/**
 * ServerTelemetry keeps a server's counters that are not per method (bytes
 * in and out, refusals by reason) and writes its log lines when the server
 * has a `logger`: connections opened and closed (debug), refusals (info;
 * `overflow` warn), connections ended by a protocol error or a limit
 * (warn), handler failures and time-outs (warn), calls answered with an
 * error before a handler ran (info) and calls the client cancelled (debug).
 * Without a logger it writes nothing and builds no log object.
 */
export class ServerTelemetry {
  readonly traffic: Traffic = { bytesIn: 0, bytesOut: 0 };
  private readonly refusals = new Map<RefusalReason, number>();
  private readonly log: Logger | undefined;
  private readonly opened = new WeakMap<object, number>();

  constructor(logger: Logger | undefined, calls: CallSink) {
    this.log = logger?.child({ lib: 'netrpc' });
    if (this.log) calls.listen((record) => this.logCall(record));
  }

  /** refusalCounts returns how many sockets were turned away, by reason. */
  refusalCounts(): ReadonlyMap<RefusalReason, number> {
    return this.refusals;
  }

  /** refused counts a refusal answered with `status` (undefined: closed unanswered for `reason`). */
  refused(socket: Duplex, status: number | undefined, body: string, reason?: RefusalReason): void {
    const why = reason ?? (status === undefined ? 'other' : (REASON_BY_STATUS[status] ?? 'other'));
    this.refusals.set(why, (this.refusals.get(why) ?? 0) + 1);
    const log = this.log;
    if (!log) return;
    const fields = { reason: why, status, remoteAddress: peerAddress(socket) };
    const msg = status === undefined ? `rpc: connection closed unanswered (${why})` : `rpc: refused ${status} ${body}`;
    if (why === 'overflow') log.warn(fields, msg);
    else log.info(fields, msg);
  }

  /** connectionOpened notes a new RPC connection. */
  connectionOpened(conn: ConnectionFacts): void {
    if (!this.log) return;
    this.opened.set(conn, performance.now());
    this.log.debug({ codec: conn.info.codecName, remoteAddress: conn.info.remoteAddress }, 'rpc: connection opened');
  }

  /** connectionClosed notes the end of an RPC connection. */
  connectionClosed(conn: ConnectionFacts): void {
    if (!this.log) return;
    const started = this.opened.get(conn);
    const durationMs = started === undefined ? undefined : Math.round(performance.now() - started);
    this.log.debug({ codec: conn.info.codecName, remoteAddress: conn.info.remoteAddress, durationMs }, 'rpc: connection closed');
  }

  /** connectionFailed notes a connection ended by a protocol error or a limit. */
  connectionFailed(conn: ConnectionFacts, err: Error): void {
    if (!this.log) return;
    const code = err instanceof RpcError ? err.code : undefined;
    this.log.warn({ err, code, codec: conn.info.codecName, remoteAddress: conn.info.remoteAddress }, `rpc: connection ended: ${err.message}`);
  }

  private logCall(record: CallRecord): void {
    const log = this.log!;
    if (record.outcome === 'ok') return;
    const serviceMethod = `${record.service}.${record.method}`;
    const fields = { serviceMethod, outcome: record.outcome, durationMs: record.ms, ...(record.cause === undefined ? {} : { err: record.cause }) };
    switch (record.outcome) {
      case 'error': {
        const text = record.cause instanceof Error ? record.cause.message : String(record.cause);
        return log.warn(fields, `rpc: ${serviceMethod} failed: ${text}`);
      }
      case 'timeout':
        return log.warn(fields, `rpc: ${serviceMethod} timed out`);
      case 'rejected':
        return log.info(fields, `rpc: ${serviceMethod} rejected before its handler ran`);
      case 'cancelled':
        return log.debug(fields, `rpc: ${serviceMethod} cancelled by the client`);
    }
  }
}
