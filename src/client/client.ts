import type { Duplex } from 'node:stream';
import type { ClientCodec, ClientMessage, Encoded } from '../codec/codec.js';
import type { CallOptions } from '../call-options.js';
import { ErrorCode, ProtocolError, RpcError, ServerError } from '../errors.js';
import { isDrainRefusal } from '../drain-refusal.js';
import { GOAWAY_NOTIFICATION } from '../goaway.js';
import { KEEPALIVE_METHOD } from './keepalive.js';
import { DEFAULT_METADATA_LIMITS, MetadataProblem, metadataError, readMetadata, wireTimeoutMs } from '../call-metadata.js';
import type { MetadataLimits } from '../call-metadata.js';
import { FrameReader } from '../codec/frame-reader.js';
import { DEADLINE_PASSED } from '../codec/wire-context.js';
import { OutQueue } from '../out-queue.js';
import { fromSocketError } from '../node-errors.js';
import { timerDelay } from '../timer-delay.js';
import type { ServiceContract } from '../contract/contract.js';
import { createServiceProxy } from '../contract/service-proxy.js';
import type { ServiceProxy, ServiceProxyOptions } from '../contract/service-proxy.js';
import type { ClientInterceptor } from './interceptor.js';
import { interceptedCall, isInstrumented, OutgoingCall } from './client-call-channel.js';
import { joinHostPort } from '../host-port.js';

/** ClientOptions are the per-connection settings of a Client. */
export interface ClientOptions {
  /** The codec's name, for messages. */
  readonly codecName: string;
  /** Default per-call timeout in ms; 0 means none. */
  readonly timeout: number;
  /** Largest reply accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** Text appended to protocol errors, and to a connection's failure before any reply (for example, a hint about the server's codec). */
  readonly protocolHint?: string;
  /**
   * Tell the server when a call times out or is aborted, so it can stop
   * work: with call context, its deadline goes with the call too. Default true.
   */
  readonly cancelOnServer?: boolean;
  /** Interceptors around every call, outermost first (see ClientInterceptor); undefined or empty for none. */
  readonly interceptors?: readonly ClientInterceptor[];
  /** The address the connection was dialed at, as interceptors and tracing see it (`target`). */
  readonly target?: string;
  /**
   * The server granted call context on the CONNECT: each request carries
   * its metadata and its timeout (see src/codec/wire-context.ts). Default
   * false: requests go out exactly as Go's client writes them.
   */
  readonly callContext?: boolean;
  /** Bounds on a call's metadata, checked before it is sent. Default DEFAULT_METADATA_LIMITS. */
  readonly metadataLimits?: MetadataLimits;
}

/** The state of one call waiting for its reply. */
class PendingCall {
  readonly seq: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: RpcError) => void;
  timer: NodeJS.Timeout | undefined;
  /** The error the call's timeout ends it with (also when the server's answer says the deadline passed first). */
  timeoutError: (() => RpcError) | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;

  constructor(seq: number, resolve: (value: unknown) => void, reject: (err: RpcError) => void) {
    this.seq = seq;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** detach removes the timer and abort listener. */
  detach(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

/**
 * Client is one RPC connection, like Go's rpc.Client: a sequence counter,
 * a map of pending calls and one reader. Calls may be made concurrently;
 * requests made in the same tick go out in one write. When the connection
 * breaks every pending call is rejected at once (RPC_CONNECTION_LOST, or
 * RPC_PROTOCOL if the server broke the wire format) and later calls fail
 * fast with RPC_SHUTDOWN. Create one with `dialHTTP`.
 */
export class Client {
  /** The wire format in use. */
  readonly codecName: string;
  private readonly socket: Duplex;
  private readonly codec: ClientCodec;
  private readonly reader: FrameReader;
  private readonly options: ClientOptions;
  private readonly pending = new Map<number, PendingCall>();
  private seq = 0;
  private readonly out = new OutQueue(() => this.writeQueued());
  /** Set once the client can take no more calls; the reason later calls fail with. */
  private shutdown: RpcError | undefined;
  private closedByUser = false;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  /** Why the connection ended (undefined while open or when closed by the user). */
  private closeReason: RpcError | undefined;
  /** Requests with a lower seq have been handed to the socket. */
  private writtenBelow = 0;
  /** Set once a reply arrived: the server speaks this codec, so protocolHint no longer applies. */
  private heardBack = false;
  /** Set once the server asked this connection to go away (see src/goaway.ts): the reason later calls fail with. */
  private goaway: RpcError | undefined;
  private readonly goawayPromise: Promise<void>;
  private resolveGoaway!: () => void;
  /** Interceptors around call(); undefined when there are none. */
  private readonly interceptors: readonly ClientInterceptor[] | undefined;

  constructor(socket: Duplex, codec: ClientCodec, options: ClientOptions) {
    this.socket = socket;
    this.codec = codec;
    this.options = options;
    this.codecName = options.codecName;
    this.interceptors = options.interceptors?.length ? options.interceptors : undefined;
    this.reader = new FrameReader(codec.measure, options.maxMessageBytes, () => this.onData(new Uint8Array(0)), codec.isPadding);
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.goawayPromise = new Promise((resolve) => (this.resolveGoaway = resolve));
    this.onData = this.onData.bind(this);
    this.onFrame = this.onFrame.bind(this);
    this.onSocketError = this.onSocketError.bind(this);
    this.onSocketClose = this.onSocketClose.bind(this);
    socket.on('data', this.onData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    socket.on('end', this.onSocketClose);
    socket.resume();
  }

  /** pendingCount is the number of calls waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** isClosed reports whether the client can no longer make calls. */
  get isClosed(): boolean {
    return this.shutdown !== undefined;
  }

  /**
   * goingAway reports whether the server asked this connection to go away
   * (it is draining, or retiring the connection for its age): new calls
   * fail at once, marked never executed, while pending calls still get
   * their replies.
   */
  get goingAway(): boolean {
    return this.goaway !== undefined;
  }

  /** whenGoingAway resolves when the server asks this connection to go away (never, if it does not). */
  whenGoingAway(): Promise<void> {
    return this.goawayPromise;
  }

  /**
   * call invokes `serviceMethod` (`Service.Method`) with `args` and
   * resolves with the reply. It rejects with ServerError when the remote
   * handler failed, RPC_TIMEOUT / RPC_ABORTED per the options, RPC_ENCODE
   * when `args` cannot be encoded, RPC_INVALID_ARGUMENT /
   * RPC_MESSAGE_TOO_LARGE when `metadata` is refused (see CallOptions),
   * and RPC_SHUTDOWN / RPC_CONNECTION_LOST / RPC_PROTOCOL when the
   * connection is or goes away. With call context granted, the request
   * carries `metadata` and the timeout, so the server's handler sees them
   * as `ctx.metadata` and `ctx.deadline`.
   */
  call<R = unknown>(serviceMethod: string, args?: unknown, options?: CallOptions): Promise<R> {
    if (!isInstrumented(this.interceptors)) return this.send(serviceMethod, args, options);
    const where = { codec: this.codecName, target: this.options.target, remoteAddress: this.remoteAddress };
    const ctx = new OutgoingCall(serviceMethod, args, options, where);
    return interceptedCall(this.interceptors, ctx, (c) => this.send(c.serviceMethod, c.args, c.options)) as Promise<R>;
  }

  /** remoteAddress is the socket's peer `host:port` (a proxy's when tunneled), when the stream is a network socket. */
  get remoteAddress(): string | undefined {
    const s = this.socket as Partial<{ remoteAddress: string; remotePort: number }>;
    return s.remoteAddress ? joinHostPort(s.remoteAddress, s.remotePort) : undefined;
  }

  /**
   * @internal send is call without interceptors or tracing: what the
   * interceptors' innermost `next()` runs, and what a Pool's attempts use
   * (the pool intercepts the call as a whole).
   */
  send<R = unknown>(serviceMethod: string, args?: unknown, options?: CallOptions): Promise<R> {
    if (this.shutdown) return Promise.reject(unsentCopy(this.shutdown));
    // Pings go on after a goaway: the server still hears the client while its last calls run.
    if (this.goaway && serviceMethod !== KEEPALIVE_METHOD) return Promise.reject(this.goaway);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortError(serviceMethod, signal));
    let metadata: Readonly<Record<string, string>> | undefined;
    if (options?.metadata !== undefined) {
      const read = readMetadata(options.metadata, this.options.metadataLimits ?? DEFAULT_METADATA_LIMITS);
      if (read instanceof MetadataProblem) return Promise.reject(metadataError(serviceMethod, read));
      metadata = read;
    }
    const timeout = options?.timeout ?? this.options.timeout;
    // The deadline tells the server when the call will be given up, as a cancel would: not sent when cancels are off.
    const timeoutMs = this.options.cancelOnServer === false ? undefined : wireTimeoutMs(timeout);
    const seq = this.seq++;
    let bytes: Encoded;
    try {
      bytes = this.codec.encode(
        this.options.callContext && (metadata !== undefined || timeoutMs !== undefined)
          ? { type: 'request', seq, serviceMethod, args, argsType: options?.argsType, metadata, timeoutMs }
          : { type: 'request', seq, serviceMethod, args, argsType: options?.argsType },
      );
    } catch (err) {
      return Promise.reject(RpcError.from(err, ErrorCode.Encode));
    }
    return new Promise<R>((resolve, reject) => {
      const call = new PendingCall(seq, resolve as (v: unknown) => void, reject);
      this.pending.set(seq, call);
      if (timeout > 0) {
        call.timeoutError = () => new RpcError(ErrorCode.Timeout, `rpc: ${serviceMethod} timed out after ${timeout} ms`);
        call.timer = setTimeout(() => this.expire(call, call.timeoutError!()), timerDelay(timeout));
      }
      if (signal) {
        call.signal = signal;
        call.onAbort = () => this.expire(call, abortError(serviceMethod, signal));
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      this.enqueue(bytes);
    });
  }

  /**
   * service returns a typed proxy for a contract: one method per contract
   * method, argument and reply typed from the schemas.
   *
   * ```ts
   * const arith = client.service(Arith);
   * const n: number = await arith.Multiply({ A: 7, B: 8 });
   * ```
   */
  service<C extends ServiceContract>(contract: C, options?: ServiceProxyOptions): ServiceProxy<C> {
    return createServiceProxy(this, contract, options);
  }

  /**
   * expire ends a call locally and tells the server (see src/codec/cancel.ts);
   * a reply that arrives later is dropped.
   */
  private expire(call: PendingCall, err: RpcError): void {
    if (this.pending.get(call.seq) !== call) return;
    this.pending.delete(call.seq);
    call.detach();
    call.reject(err);
    if (this.options.cancelOnServer !== false && !this.shutdown) {
      try {
        this.enqueue(this.codec.encode({ type: 'cancel', seq: this.seq++, target: call.seq }));
      } catch {
        // A cancel that cannot be encoded is only a lost hint to the server.
      }
    }
  }

  private enqueue(bytes: Encoded): void {
    this.out.push(bytes);
  }

  /** flush writes every queued request in one socket write; it runs at the end of each tick with requests. */
  flush(): void {
    this.out.flush();
  }

  private writeQueued(): void {
    if (this.out.isEmpty || this.shutdown || this.socket.destroyed) return;
    this.writtenBelow = this.seq;
    this.out.writeTo(this.socket);
  }

  private onData(chunk: Uint8Array): void {
    if (this.shutdown) return;
    try {
      this.reader.push(chunk, this.onFrame);
    } catch (err) {
      let e = RpcError.from(err, ErrorCode.Protocol);
      if (e instanceof ProtocolError && this.options.protocolHint) {
        e = new ProtocolError(`${e.message} (${this.options.protocolHint})`, e.code as typeof ErrorCode.Protocol);
      }
      this.terminate(e);
    }
  }

  private onFrame(buf: Uint8Array, start: number, end: number): void {
    const res: ClientMessage | undefined = this.codec.decodeFrame(buf, start, end);
    if (res === undefined) return;
    if (res.type === 'notification') return this.onNotification(res.method, res.params);
    this.heardBack = true;
    const call = this.pending.get(res.seq);
    if (call === undefined) return; // timed out or aborted: drop the late reply
    this.pending.delete(res.seq);
    call.detach();
    if (res.error === null) call.resolve(res.reply);
    // The server saw the deadline this client sent pass before this client's own timer fired: the same timeout.
    else if (res.error === DEADLINE_PASSED && call.timeoutError) call.reject(call.timeoutError());
    // A draining server refused the call without running it: safe to send elsewhere.
    else call.reject(new ServerError(res.error, { unsent: isDrainRefusal(res.error) }));
  }

  /** onNotification handles a one-way message from the server; unknown methods are ignored. */
  private onNotification(method: string, params: unknown): void {
    if (method !== GOAWAY_NOTIFICATION || this.goaway) return;
    const reason = Array.isArray(params) && typeof params[0] === 'string' ? params[0] : 'draining';
    this.goaway = new RpcError(ErrorCode.Shutdown, `rpc: the server asked this connection to go away (${reason})`, { unsent: true });
    this.resolveGoaway();
  }

  private onSocketError(err: Error): void {
    this.terminate(this.hinted(fromSocketError(err, 'io')));
  }

  private onSocketClose(): void {
    // After a goaway the server ends the connection once its calls are answered: an expected end.
    if (this.goaway && this.pending.size === 0) return this.terminate(this.goaway, true);
    this.terminate(this.hinted(new RpcError(ErrorCode.ConnectionLost, 'rpc: connection lost: unexpected EOF')));
  }

  /** hinted adds protocolHint to a connection failure that came before any reply (the server may not speak our codec). */
  private hinted(err: RpcError): RpcError {
    if (!this.options.protocolHint || this.heardBack || this.closedByUser || this.shutdown) return err;
    return new RpcError(err.code, `${err.message} (${this.options.protocolHint})`, { cause: err.cause });
  }

  /** terminate fails every pending call with `err` and refuses later calls; a `clean` end leaves no close reason. */
  private terminate(err: RpcError, clean = false): void {
    if (!this.shutdown) {
      this.shutdown = this.closedByUser
        ? new RpcError(ErrorCode.Shutdown, 'rpc: connection is shut down')
        : new RpcError(ErrorCode.Shutdown, `rpc: connection is shut down: ${err.message}`, { cause: err });
    }
    const reason = this.closedByUser ? this.shutdown : err;
    if (!this.closedByUser && !clean) this.closeReason ??= err;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      call.detach();
      call.reject(call.seq >= this.writtenBelow ? unsentCopy(reason) : reason);
    }
    this.out.clear();
    this.reader.dispose();
    if (!this.socket.destroyed) this.socket.destroy();
    this.resolveClosed();
  }

  /**
   * lose ends the connection as broken, as if the socket had died with
   * `err`: pending calls fail with it (keepalive uses it for a frozen peer).
   */
  lose(err: RpcError): void {
    this.terminate(err);
  }

  /**
   * whenClosed resolves when the connection has ended: with the error that
   * ended it, or undefined when the user closed it.
   */
  async whenClosed(): Promise<RpcError | undefined> {
    await this.closedPromise;
    return this.closeReason;
  }

  /**
   * close shuts the connection; pending calls reject with RPC_SHUTDOWN.
   * It may be called more than once and resolves when the socket is closed.
   */
  close(): Promise<void> {
    if (!this.shutdown) {
      this.closedByUser = true;
      this.terminate(new RpcError(ErrorCode.Shutdown, 'rpc: connection is shut down'));
    }
    return this.closedPromise;
  }

  /** Closes the client when used with `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * unsentCopy returns a copy of `err` (same class, message, code, stack)
 * marked as ending a call that was never written. The original may be
 * shared by calls that were written, so it is not changed.
 */
function unsentCopy(err: RpcError): RpcError {
  if (err.unsent) return err;
  const copy = Object.create(Object.getPrototypeOf(err) as object) as RpcError;
  for (const key of Reflect.ownKeys(err)) Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(err, key)!);
  Object.defineProperty(copy, 'unsent', { value: true, enumerable: true });
  return copy;
}

function abortError(serviceMethod: string, signal: AbortSignal): RpcError {
  return new RpcError(ErrorCode.Aborted, `rpc: ${serviceMethod} aborted`, { cause: signal.reason });
}
