import type { Duplex } from 'node:stream';
import { builtinCodecs, findCodec } from '../codec/builtin.js';
import type { Codec } from '../codec/codec.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_VALUES } from '../codec/limits.js';
import { ErrorCode, RpcError } from '../errors.js';
import { DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_METADATA_ENTRIES } from '../call-metadata.js';
import { Client } from './client.js';
import { DEFAULT_KEEPALIVE_TIMEOUT_MS, startKeepalive } from './keepalive.js';
import type { ClientInterceptor } from './interceptor.js';

/** StreamClientOptions configure a client over a stream that is already open (see {@link newClient}). */
export interface StreamClientOptions {
  /** Wire format: `'gob'` (the default, as Go's rpc.NewClient), `'json'` (Go's jsonrpc.NewClient), `'msgpack'`, or a Codec object. */
  readonly codec?: string | Codec;
  /** Default per-call timeout in ms; 0 (the default) means none. */
  readonly timeout?: number;
  /**
   * Tell the server when a call times out or is aborted, so it can stop
   * work (and, where the server granted call context, send each call's
   * deadline with it). Default true.
   */
  readonly cancelOnServer?: boolean;
  /** Largest reply accepted, in bytes. Default 16 MiB. */
  readonly maxMessageBytes?: number;
  /** Most values one reply may decode to (see ServerOptions.maxMessageValues). Default 1 048 576. */
  readonly maxMessageValues?: number;
  /** Deepest nesting accepted in a reply. Default 100. */
  readonly maxDepth?: number;
  /**
   * Check the peer is alive every this many ms: a ping call (see
   * src/client/keepalive.ts), plus TCP keepalive when the stream is a
   * socket. 0 (the default) for none; pools default to 30 000.
   */
  readonly keepaliveMs?: number;
  /** Time a ping may go unanswered before the connection counts as lost (pending calls fail with RPC_CONNECTION_LOST). Default 10 000. */
  readonly keepaliveTimeoutMs?: number;
  /**
   * Interceptors around every call, outermost first (see ClientInterceptor
   * and the README's "Observability"). A pool runs them once per call,
   * retries included, not on each endpoint's connection.
   */
  readonly interceptors?: readonly ClientInterceptor[];
  /**
   * Most bytes (UTF-8 of keys and values) of one call's `metadata`; a call
   * with more rejects with RPC_MESSAGE_TOO_LARGE before anything is sent.
   * Default 8 KiB, the server's default limit.
   */
  readonly maxMetadataBytes?: number;
  /** Most keys in one call's `metadata`; more rejects with RPC_MESSAGE_TOO_LARGE. Default 64. */
  readonly maxMetadataEntries?: number;
}

/**
 * pickCodec finds a built-in codec by name (any case), or returns the
 * Codec object given; undefined picks `fallback`. An unknown name throws
 * RpcError (RPC_INVALID_ARGUMENT) listing the known ones.
 */
export function pickCodec(codec: string | Codec | undefined, fallback: string): Codec {
  const wanted = codec ?? fallback;
  if (typeof wanted !== 'string') return wanted;
  const found = findCodec(wanted.toLowerCase());
  if (!found) {
    const names = builtinCodecs.map((c) => c.name).join(', ');
    throw new RpcError(ErrorCode.InvalidArgument, `rpc: unknown codec ${JSON.stringify(wanted)}; known: ${names}`);
  }
  return found;
}

/** ClientBuild is how {@link clientOver} shapes the Client beyond the caller's options. */
export interface ClientBuild {
  /** Wraps the codec's client side (dialHTTP uses it to expose a gob answer to another codec). */
  readonly wrapCodec?: (codec: ReturnType<Codec['newClientCodec']>) => ReturnType<Codec['newClientCodec']>;
  readonly protocolHint?: string;
  /** The address dialed, for interceptors and tracing (`ctx.target`). */
  readonly target?: string;
  /** The server granted call context on the CONNECT: calls send their metadata and timeout (see Client). */
  readonly callContext?: boolean;
}

/**
 * clientOver builds a Client speaking `codec` over an open stream, with
 * the limits, timeout and keepalive of `options` (defaults as documented
 * on StreamClientOptions).
 */
export function clientOver(stream: Duplex, codec: Codec, options: StreamClientOptions, build: ClientBuild = {}): Client {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const clientCodec = codec.newClientCodec({
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxValues: options.maxMessageValues ?? DEFAULT_MAX_MESSAGE_VALUES,
    maxMessageBytes,
  });
  const keepaliveMs = options.keepaliveMs ?? 0;
  const socketLike = stream as Partial<{ setKeepAlive(on: boolean, ms: number): void }>;
  if (keepaliveMs > 0) socketLike.setKeepAlive?.(true, keepaliveMs);
  const client = new Client(stream, build.wrapCodec ? build.wrapCodec(clientCodec) : clientCodec, {
    codecName: codec.name,
    timeout: options.timeout ?? 0,
    cancelOnServer: options.cancelOnServer ?? true,
    maxMessageBytes,
    protocolHint: build.protocolHint,
    interceptors: options.interceptors,
    target: build.target,
    callContext: build.callContext ?? false,
    metadataLimits: {
      maxMetadataBytes: options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES,
      maxMetadataEntries: options.maxMetadataEntries ?? DEFAULT_MAX_METADATA_ENTRIES,
    },
  });
  if (keepaliveMs > 0) startKeepalive(client, { intervalMs: keepaliveMs, timeoutMs: options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS });
  return client;
}

/**
 * newClient is Go's rpc.NewClient / NewClientWithCodec: a Client over a
 * stream that is already connected to a server speaking `options.codec`
 * from its first byte (gob by default) — a socket you opened yourself, a
 * child process's stdio pair, a stream pair in tests. The client owns the
 * stream from then on: close() ends it. Throws RpcError
 * (RPC_INVALID_ARGUMENT) for an unknown codec name.
 */
export function newClient(stream: Duplex, options: StreamClientOptions = {}): Client {
  return clientOver(stream, pickCodec(options.codec, 'gob'), options);
}
