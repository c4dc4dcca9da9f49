import type { Duplex } from 'node:stream';
import type { Encoded, ServerCodec, ServerMessage, ServerRequest } from '../codec/codec.js';
import { ErrorCode, ProtocolError, RpcError } from '../errors.js';
import { decodedCost } from '../codec/limits.js';
import { FrameReader, HOLD_FRAME } from '../codec/frame-reader.js';
import { ConnectionEnding } from './connection-ending.js';
import type { ConnectionInfo } from './connection-info.js';
import { OutQueue } from '../out-queue.js';
import type { ReadBudget, ReadShare } from './read-budget.js';
import type { MethodEntry, Registry } from './registry.js';
import { MessageDeadline } from './message-deadline.js';
import { SendDeadline } from './send-deadline.js';
import type { Traffic } from './server-telemetry.js';
import { errorText, isThenable, ServerCall } from './server-call.js';
import { SHUTTING_DOWN } from '../drain-refusal.js';
import { GoawayNotice } from './goaway-notice.js';
import { PeerSilence } from './peer-silence.js';
import type { ServerMiddleware } from './middleware.js';
import { runHandler } from './intercepted-call.js';
import { DEADLINE_PASSED } from '../codec/wire-context.js';

/** ConnectionHost is what a connection needs from its server. */
export interface ConnectionHost {
  readonly registry: Registry;
  /** True once the server is shutting down: new calls are refused. */
  readonly draining: boolean;
  /** The server-wide cap on memory held for reading, shared by its connections. */
  readonly readBudget: ReadBudget;
  /** Bytes all connections received and sent after their handshake. */
  readonly traffic: Traffic;
  /** The server's middleware, outermost first (see Server.use); empty for none. */
  readonly middleware: readonly ServerMiddleware[];
  connectionClosed(conn: ServerConnection): void;
  connectionFailed(conn: ServerConnection, err: Error): void;
}

function onHandlerTimeout(conn: ServerConnection, call: ServerCall): void {
  conn.timeOut(call);
}

function resumeAfterWrite(conn: ServerConnection): void {
  conn.writeCleared();
}

const EMPTY = new Uint8Array(0);

/**
 * ServerConnection serves one connection: it reads frames, runs each call
 * as soon as it is decoded (calls run concurrently), and writes replies in
 * completion order. Replies finished in the same tick go out in one write.
 * A frame it cannot decode ends the connection (fatal); an unknown method,
 * bad argument or failing handler gets an error reply and the loop goes on.
 *
 * Backpressure: with `maxInFlight` calls running, more than
 * `maxWriteBufferBytes` of replies the peer has not taken, or the server's
 * read budget spent (see ReadBudget), the connection stops reading until
 * that clears, so a peer cannot make the server queue without bound.
 */
export class ServerConnection {
  readonly socket: Duplex;
  readonly info: ConnectionInfo;
  private readonly host: ConnectionHost;
  private readonly codec: ServerCodec;
  private readonly reader: FrameReader;
  /** Chunks the socket delivered so far (the idle check looks whether any came). */
  private chunksRead = 0;
  /** Running calls by id, for cancellation. */
  private readonly active = new Map<number, ServerCall>();
  /** Encoded replies waiting for the next flush. */
  private readonly out = new OutQueue(() => this.writeQueued());
  /** Calls whose handler has not finished. */
  private inFlight = 0;
  /** The socket is paused for backpressure (see mayRead); updateReading resumes it. */
  private stopped = false;
  /** This connection's part of the server's read budget; `share.paused` while it holds reading back. */
  private readonly share: ReadShare;
  /** The peer finished sending; close once replies are out. */
  private readEnded = false;
  private closed = false;
  /** Checks that a started message completes in time (slowloris). */
  private readonly messageDeadline: MessageDeadline;
  /** A frame completed during the current push. */
  private frameCompleted = false;
  /** Closes the connection when the peer takes none of its replies for sendTimeoutMs. */
  private readonly sendDeadline: SendDeadline;
  /** When the connection ends on its own: idle, drained or retired and quiet, lingering peer. */
  private readonly ending: ConnectionEnding;
  /** The drain signal, for a peer that asked for it. */
  private readonly goaway: GoawayNotice;
  /** Frees the connection of a peer that promised pings and went silent. */
  private readonly silence: PeerSilence | undefined;

  constructor(host: ConnectionHost, socket: Duplex, codec: ServerCodec, info: ConnectionInfo) {
    this.host = host;
    this.socket = socket;
    this.codec = codec;
    this.info = info;
    this.reader = new FrameReader(codec.measure, info.maxMessageBytes, () => this.onData(EMPTY), codec.isPadding);
    this.share = host.readBudget.open(socket, () => this.updateReading());
    this.onData = this.onData.bind(this);
    this.onFrame = this.onFrame.bind(this);
    this.onEnd = this.onEnd.bind(this);
    this.onClose = this.onClose.bind(this);
    this.onError = this.onError.bind(this);
    this.messageDeadline = new MessageDeadline(info.messageTimeoutMs, () => !this.stopped && !this.closed, () =>
      this.fail(new ProtocolError(`rpc: message not completed within ${info.messageTimeoutMs} ms`)));
    this.goaway = new GoawayNotice(codec, info.wantsGoaway === true);
    this.sendDeadline = new SendDeadline(socket, info.sendTimeoutMs, () => {
      this.fail(new RpcError(ErrorCode.Timeout, `rpc: the peer took none of its replies for ${info.sendTimeoutMs} ms`));
    });
    this.ending = new ConnectionEnding(socket, info, {
      isClosed: () => this.closed,
      running: () => this.inFlight,
      readEnded: () => this.readEnded,
      chunksRead: () => this.chunksRead,
      flushReplies: () => this.out.flush(),
      goAway: (reason) => {
        const notice = this.closed ? undefined : this.goaway.encode(reason);
        if (notice) this.out.push(notice);
      },
    });
    const silenceMs = info.peerSilenceMs ?? 0;
    this.silence = silenceMs <= 0 ? undefined : new PeerSilence(silenceMs, {
      chunksRead: () => this.chunksRead,
      reading: () => !this.stopped,
      dead: () => this.fail(new RpcError(ErrorCode.ConnectionLost, `rpc: the peer sent nothing for ${this.silence!.limitMs} ms, its keepalive interval + timeout`)),
    });
    socket.on('error', this.onError);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('drain', () => this.writeCleared());
  }

  /** start begins reading the socket (bytes that came with a handshake were put back into it). */
  start(): void {
    if (this.mayRead) this.socket.resume();
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
    if (this.closed) return;
    this.chunksRead++;
    this.host.traffic.bytesIn += chunk.length;
    this.frameCompleted = false;
    try {
      this.reader.push(chunk, this.onFrame);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.share.setBuffered(this.reader.bufferedBytes + (this.codec.heldBytes ?? 0));
    if (!this.share.paused && !this.share.mayTake(0)) this.pauseForBudget(0);
    this.messageDeadline.watch(this.reader.bufferedBytes, this.frameCompleted);
  }

  private onFrame(buf: Uint8Array, start: number, end: number): boolean | typeof HOLD_FRAME {
    const codec = this.codec;
    const cost = codec.decodeCost ? codec.decodeCost(buf, start, end) : end - start;
    if (!this.share.mayTake(cost)) {
      this.pauseForBudget(cost);
      return HOLD_FRAME;
    }
    this.frameCompleted = true;
    const msg: ServerMessage | undefined = codec.decodeFrame(buf, start, end);
    if (msg !== undefined) {
      if (msg.type === 'request') this.dispatch(msg, decodedCost(end - start, codec.decodedValues ?? 0));
      else if (msg.type === 'cancel') this.cancel(msg.id);
    }
    if (this.closed) return false;
    if (this.mayRead) return true;
    this.stopReading();
    return false;
  }

  /** dispatch runs a decoded call; `cost` is its decoded size, held against the read budget while it runs. */
  private dispatch(req: ServerRequest, cost: number): void {
    const sm = req.serviceMethod;
    // Read after the server ended its side: it cannot be answered, so it is not run either.
    if (this.socket.writableEnded) return;
    if ((this.host.draining || this.ending.retiring) && !this.goaway.excuses) return this.reply(req.id, sm, SHUTTING_DOWN, undefined, undefined);
    const method = this.host.registry.lookup(sm);
    if (typeof method === 'string') return this.reply(req.id, sm, method, undefined, undefined);
    if (req.argsError) {
      method.stats.recordRejected(req.argsError);
      return this.reply(req.id, sm, req.argsError.message, undefined, method);
    }
    const call = new ServerCall(req.id, method, sm, this.info, req.metadata);
    if (req.heldCost !== undefined) cost += req.heldCost;
    call.cost = cost;
    this.share.chargeCall(cost);
    this.active.set(req.id, call);
    this.inFlight++;
    const handlerLimit = this.info.handlerTimeoutMs;
    const clientLimit = req.timeoutMs;
    if (clientLimit !== undefined && (handlerLimit === 0 || clientLimit < handlerLimit)) {
      call.limitMs = clientLimit;
      call.limitIsClients = true;
    } else {
      call.limitMs = handlerLimit;
    }
    if (call.limitMs > 0) call.timer = setTimeout(onHandlerTimeout, call.limitMs, this, call);
    let result: unknown;
    try {
      result = runHandler(this.host.middleware, call, req.args, this.socket);
    } catch (err) {
      return this.finish(call, errorText(err), undefined, err);
    }
    if (isThenable(result)) {
      // Promise.resolve adopts any thenable; a `then` that throws becomes a rejection.
      Promise.resolve(result).then(
        (value) => this.finish(call, null, value),
        (err: unknown) => this.finish(call, errorText(err), undefined, err),
      );
    } else {
      this.finish(call, null, result);
    }
  }

  private finish(call: ServerCall, error: string | null, value: unknown, cause?: unknown): void {
    if (call.finished) return;
    call.finished = true;
    this.inFlight--;
    this.share.releaseCall(call.cost);
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (this.active.get(call.id) === call) this.active.delete(call.id);
    if (!call.answered) {
      call.answered = true;
      call.method.stats.record(performance.now() - call.started, error === null ? 'ok' : 'error', cause);
      this.reply(call.id, call.serviceMethod, error, value, call.method);
    }
    this.updateReading();
    if (this.inFlight === 0 && this.readEnded) this.ending.endWhenFlushed();
    else if (this.inFlight === 0 && (this.host.draining || this.ending.retiring)) this.ending.endWhenQuiet();
  }

  /** cancel stops waiting for a call the client gave up on: its signal fires and no reply is sent. */
  private cancel(id: number): void {
    const call = this.active.get(id);
    if (!call || call.answered) return;
    call.answered = true;
    call.method.stats.record(performance.now() - call.started, 'cancelled');
    call.abort(new RpcError(ErrorCode.Aborted, `rpc: ${call.serviceMethod} cancelled by the client`));
  }

  /**
   * @internal timeOut ends a call that outlived its time limit: at the
   * server's handler limit it times out (RPC_TIMEOUT); at the client's
   * deadline, when that came first, it ends as if its cancel had arrived
   * (RPC_ABORTED), and the reply DEADLINE_PASSED, which the client drops
   * (or takes as its own timeout when its timer is late), frees the
   * call's state in the codec.
   */
  timeOut(call: ServerCall): void {
    if (call.answered || this.closed) return;
    call.answered = true;
    const sm = call.serviceMethod;
    if (call.limitIsClients) {
      const message = `rpc: ${sm} cancelled: the client's deadline of ${call.limitMs} ms passed`;
      call.method.stats.record(performance.now() - call.started, 'cancelled');
      call.abort(new RpcError(ErrorCode.Aborted, message));
      return this.reply(call.id, sm, DEADLINE_PASSED, undefined, call.method);
    }
    const message = `rpc: ${sm} timed out after ${call.limitMs} ms`;
    call.method.stats.record(performance.now() - call.started, 'timeout');
    call.abort(new RpcError(ErrorCode.Timeout, message));
    this.reply(call.id, sm, message, undefined, call.method);
  }

  private reply(id: number, serviceMethod: string, error: string | null, value: unknown, method: MethodEntry | undefined): void {
    if (this.closed) return;
    let bytes: Encoded;
    try {
      bytes = this.codec.encode({ type: 'response', id, serviceMethod, error, reply: value, replyType: method?.types?.reply });
    } catch (err) {
      if (error !== null || !(err instanceof RpcError) || err.code !== ErrorCode.Encode) return this.fail(err as Error);
      method?.stats.recordLateFailure();
      return this.reply(id, serviceMethod, `rpc: cannot encode reply of ${serviceMethod}: ${err.message}`, undefined, undefined);
    }
    this.out.push(bytes);
  }

  /**
   * mayRead is the one backpressure predicate: the connection reads while
   * it is open, fewer than maxInFlight calls run, the replies the peer has
   * not taken fit maxWriteBufferBytes and its read-budget share is not
   * holding it back.
   */
  private get mayRead(): boolean {
    return !this.closed && this.inFlight < this.info.maxInFlight && !this.share.paused
      && this.out.byteLength + this.socket.writableLength <= this.info.maxWriteBufferBytes;
  }

  private stopReading(): void {
    this.stopped = true;
    this.socket.pause();
  }

  private pauseForBudget(cost: number): void {
    this.stopped = true;
    this.share.pause(cost);
  }

  /**
   * updateReading resumes a stopped connection once mayRead holds again:
   * frames buffered meanwhile are taken first, then the socket flows. It is
   * called whenever a reason to stop may have cleared (a call finished,
   * replies were taken, the read budget has room).
   */
  private updateReading(): void {
    if (!this.stopped || !this.mayRead) return;
    this.stopped = false;
    this.onData(EMPTY);
    if (this.mayRead && !this.stopped) this.socket.resume();
  }

  private writeQueued(): void {
    if (this.closed || this.out.isEmpty) return;
    const bytes = this.out.byteLength;
    this.host.traffic.bytesOut += bytes;
    this.out.writeTo(this.socket);
    this.sendDeadline.wrote(bytes);
    if (!this.mayRead) this.stopReading();
    // Stopped, and the socket took everything: no 'drain' will come to resume reading.
    if (this.stopped && !this.socket.writableNeedDrain) process.nextTick(resumeAfterWrite, this);
  }

  /** @internal writeCleared resumes reading once the replies waiting for the peer fit the limit again. */
  writeCleared(): void {
    this.updateReading();
  }

  /**
   * drain is called when the server starts shutting down: the connection
   * ends once it has no running call and has been quiet for DRAIN_QUIET_MS
   * (calls arriving meanwhile are refused with the drain refusal).
   */
  drain(): void {
    this.ending.drain();
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

  private abortAll(reason: RpcError): void {
    for (const call of this.active.values()) call.abort(reason);
  }

  /**
   * onEnd: the peer closed its sending side. Running calls are told (their
   * signal aborts) but may still reply: a peer that only half-closed gets
   * the replies, a vanished one does not care.
   */
  private onEnd(): void {
    this.readEnded = true;
    this.abortAll(new RpcError(ErrorCode.ConnectionLost, 'rpc: peer closed the connection'));
    if (this.inFlight === 0) this.ending.endWhenFlushed();
  }

  /** onError: a socket error (a reset, a TLS alert such as a refused renegotiation) ends the connection; 'close' follows. */
  private onError(): void {
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.messageDeadline.dispose();
    this.silence?.dispose();
    this.ending.dispose();
    this.sendDeadline.dispose();
    this.reader.dispose();
    this.share.close();
    this.out.clear();
    this.abortAll(new RpcError(ErrorCode.ConnectionLost, 'rpc: connection closed'));
    this.active.clear();
    this.host.connectionClosed(this);
  }
}
