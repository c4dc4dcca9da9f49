import type { Duplex } from 'node:stream';
import type { ServerCodec, ServerRequest } from '../codec/codec.js';
import { ErrorCode, RpcError } from '../errors.js';
import { FrameReader } from '../frame-reader.js';
import type { CallContext } from './call-context.js';
import type { MethodEntry, Registry } from './registry.js';

/** ConnectionHost is what a connection needs from its server. */
export interface ConnectionHost {
  readonly registry: Registry;
  /** True once the server is shutting down: new calls are refused. */
  readonly draining: boolean;
  connectionClosed(conn: ServerConnection): void;
  connectionFailed(conn: ServerConnection, err: Error): void;
}

/** ConnectionInfo describes where a connection came from. */
export interface ConnectionInfo {
  readonly codecName: string;
  readonly remoteAddress: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly maxMessageBytes: number;
  readonly maxInFlight: number;
}

/** SHUTTING_DOWN is the error text for calls that arrive during close(). */
export const SHUTTING_DOWN = 'rpc: server is shutting down';

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || String(err) : String(err);
  // An empty error string means success on the wire; never send one.
  return text || 'rpc: handler failed with an empty error';
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function flushConnection(conn: ServerConnection): void {
  conn.flush();
}

/**
 * ServerConnection serves one connection: it reads frames, runs each call
 * as soon as it is decoded (calls run concurrently), and writes replies in
 * completion order. Replies finished in the same tick go out in one write.
 * A frame it cannot decode ends the connection (fatal); an unknown method,
 * bad argument or failing handler gets an error reply and the loop goes on.
 */
export class ServerConnection {
  readonly socket: Duplex;
  readonly info: ConnectionInfo;
  private readonly host: ConnectionHost;
  private readonly codec: ServerCodec;
  private readonly reader: FrameReader;
  private readonly abort = new AbortController();
  /** Encoded replies waiting for the next flush. */
  private out: Uint8Array[] = [];
  private flushScheduled = false;
  /** Calls whose handler has not finished. */
  private inFlight = 0;
  /** Reading stopped because maxInFlight calls are running. */
  private pausedForInFlight = false;
  /** The peer finished sending; close once replies are out. */
  private readEnded = false;
  private closed = false;

  constructor(host: ConnectionHost, socket: Duplex, codec: ServerCodec, info: ConnectionInfo) {
    this.host = host;
    this.socket = socket;
    this.codec = codec;
    this.info = info;
    this.reader = new FrameReader(codec.measure, info.maxMessageBytes);
    this.onData = this.onData.bind(this);
    this.onFrame = this.onFrame.bind(this);
    this.onEnd = this.onEnd.bind(this);
    this.onClose = this.onClose.bind(this);
    this.onError = this.onError.bind(this);
    socket.on('error', this.onError);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
  }

  /** start processes bytes that arrived with the handshake, then resumes the socket. */
  start(head: Uint8Array | undefined): void {
    if (head && head.length > 0) this.onData(head);
    if (!this.closed && !this.pausedForInFlight) this.socket.resume();
  }

  /** pending is the number of calls still running. */
  get pending(): number {
    return this.inFlight;
  }

  /** isClosed reports whether the socket has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private onData(chunk: Uint8Array): void {
    try {
      this.reader.push(chunk, this.onFrame);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private onFrame(buf: Uint8Array, start: number, end: number): boolean {
    const msg = this.codec.decodeFrame(buf, start, end);
    if (msg !== undefined && msg.type === 'request') this.dispatch(msg);
    if (this.inFlight >= this.info.maxInFlight && !this.closed) {
      this.pausedForInFlight = true;
      this.socket.pause();
      return false;
    }
    return !this.closed;
  }

  private dispatch(req: ServerRequest): void {
    const sm = req.serviceMethod;
    if (this.host.draining) return this.reply(req.id, sm, SHUTTING_DOWN, undefined, undefined);
    const method = this.host.registry.lookup(sm);
    if (typeof method === 'string') return this.reply(req.id, sm, method, undefined, undefined);
    if (req.argsError) {
      method.stats.recordRejected();
      return this.reply(req.id, sm, req.argsError.message, undefined, method);
    }
    const ctx: CallContext = {
      serviceMethod: sm,
      remoteAddress: this.info.remoteAddress,
      headers: this.info.headers,
      codec: this.info.codecName,
      signal: this.abort.signal,
    };
    this.inFlight++;
    const started = performance.now();
    let result: unknown;
    try {
      result = method.handler.call(method.receiver, req.args, ctx);
    } catch (err) {
      return this.finish(method, req.id, started, errorText(err), undefined);
    }
    if (isThenable(result)) {
      const id = req.id;
      result.then(
        (value) => this.finish(method, id, started, null, value),
        (err: unknown) => this.finish(method, id, started, errorText(err), undefined),
      );
    } else {
      this.finish(method, req.id, started, null, result);
    }
  }

  private finish(method: MethodEntry, id: unknown, started: number, error: string | null, value: unknown): void {
    this.inFlight--;
    method.stats.record(performance.now() - started, error !== null);
    this.reply(id, `${method.service}.${method.name}`, error, value, method);
    if (this.pausedForInFlight && this.inFlight < this.info.maxInFlight) this.resumeReading();
    if (this.inFlight === 0 && (this.readEnded || this.host.draining)) this.endWhenFlushed();
  }

  private reply(id: unknown, serviceMethod: string, error: string | null, value: unknown, method: MethodEntry | undefined): void {
    if (this.closed) return;
    let bytes: Uint8Array;
    try {
      bytes = this.codec.encodeResponse(id, serviceMethod, error, value, method?.types?.reply);
    } catch (err) {
      if (error !== null || !(err instanceof RpcError) || err.code !== ErrorCode.Encode) return this.fail(err as Error);
      method?.stats.recordLateFailure();
      return this.reply(id, serviceMethod, `rpc: cannot encode reply of ${serviceMethod}: ${err.message}`, undefined, undefined);
    }
    this.out.push(bytes);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushConnection, this);
    }
  }

  /** flush writes every queued reply in one socket write. */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.out.length === 0) return;
    const out = this.out;
    this.out = [];
    this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  }

  private resumeReading(): void {
    this.pausedForInFlight = false;
    this.onData(new Uint8Array(0));
    if (!this.pausedForInFlight && !this.closed) this.socket.resume();
  }

  /**
   * drain is called when the server starts shutting down: an idle
   * connection ends at once, a busy one once its calls are answered.
   */
  drain(): void {
    if (this.inFlight === 0) this.endWhenFlushed();
  }

  private endWhenFlushed(): void {
    if (this.closed) return;
    this.flush();
    this.socket.end();
  }

  /** destroy closes the connection at once; running calls are abandoned. */
  destroy(): void {
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.host.connectionFailed(this, err);
    this.socket.destroy();
  }

  /**
   * onEnd: the peer closed its sending side. Running calls are told (their
   * signal aborts) but may still reply: a peer that only half-closed gets
   * the replies, a vanished one does not care.
   */
  private onEnd(): void {
    this.readEnded = true;
    this.abort.abort(new RpcError(ErrorCode.ConnectionLost, 'rpc: peer closed the connection'));
    if (this.inFlight === 0) this.endWhenFlushed();
  }

  private onError(): void {
    // 'close' follows; the error itself needs no action here.
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.out = [];
    this.abort.abort(new RpcError(ErrorCode.ConnectionLost, 'rpc: connection closed'));
    this.host.connectionClosed(this);
  }
}
