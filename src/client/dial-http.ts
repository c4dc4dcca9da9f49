import type { ConnectionOptions } from 'node:tls';
import type { Codec } from '../codec/codec.js';
import { DEFAULT_RPC_PATH, METADATA_FEATURE } from '../connect-wire.js';
import { NOTICES_REQUEST } from '../goaway.js';
import { keepaliveRequest } from '../keepalive-wire.js';
import { DEFAULT_KEEPALIVE_TIMEOUT_MS } from './keepalive.js';
import { DEFAULT_MAX_HEAD_BYTES } from '../http-head.js';
import { parseAddress } from './address.js';
import type { Client } from './client.js';
import { connectHTTP } from './http-connect.js';
import { clientOver, pickCodec } from './new-client.js';
import type { StreamClientOptions } from './new-client.js';
import { codecMismatchHint, exposeGobMismatch } from './unconfirmed-codec.js';

/** DialOptions configure dialHTTP: how to reach the server, and what every client takes (StreamClientOptions). */
export interface DialOptions extends Omit<StreamClientOptions, 'codec'> {
  /**
   * Wire format: `'msgpack'` (default; fastest between netrpc peers),
   * `'json'` (Go's net/rpc/jsonrpc), `'gob'` (Go's default, what a stock
   * `rpc.HandleHTTP` server speaks), `'auto'` (msgpack when the server
   * confirms it, which netrpc servers do; gob when it does not, as a Go
   * server that ignores the request header), or a Codec object.
   */
  readonly codec?: string | Codec;
  /** CONNECT path. Default `/_goRPC_`, or the path of an `http://` address. */
  readonly path?: string;
  /** Extra headers for the CONNECT request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer <token>` on the CONNECT request. */
  readonly token?: string;
  /**
   * Dial with TLS: true for the system's trusted CAs, or Node TLS options
   * (`ca`, `cert`/`key` for a client certificate, `servername`, ...).
   * An `https://` address turns TLS on too.
   */
  readonly tls?: boolean | ConnectionOptions;
  /**
   * HTTP forward proxy URL (`http://[user:pass@]proxy:3128`) to tunnel
   * through with `CONNECT host:port`; false for none. By default
   * HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment decide.
   */
  readonly proxy?: string | false;
  /** Give up connecting when this fires: dialHTTP rejects at once with RPC_ABORTED. Calls take their own signal. */
  readonly signal?: AbortSignal;
  /** Time allowed to connect and finish the CONNECT exchange, in ms. Default 10 000. */
  readonly connectTimeout?: number;
}

/** keepaliveHeader announces the client's ping schedule on the CONNECT when it pings (see src/keepalive-wire.ts). */
function keepaliveHeader(options: DialOptions): Readonly<Record<string, string>> {
  const intervalMs = options.keepaliveMs ?? 0;
  return intervalMs > 0 ? keepaliveRequest({ intervalMs, timeoutMs: options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS }) : {};
}

/**
 * dialHTTP connects to an RPC server at `address` (`host:port` or
 * `http://host:port[/path]`) over HTTP CONNECT, like Go's rpc.DialHTTP,
 * and resolves with a ready Client. It rejects with RPC_CONNECT when the
 * host cannot be reached, a HandshakeError (RPC_HANDSHAKE, with the status
 * line) when the server refuses the CONNECT, RPC_TIMEOUT when the
 * exchange takes longer than `connectTimeout`, and RPC_ABORTED at once
 * when `signal` fires first. When the server does not confirm a codec
 * other than gob (a Go rpc.HandleHTTP server), the first call fails fast
 * with advice to dial with gob instead of waiting for its timeout.
 * The CONNECT asks for call context (`Rpc-Features: metadata`); only
 * when the answer grants it do calls carry their `metadata` and timeout
 * (a Go server grants nothing, and gets exactly what Go's client sends).
 */
export async function dialHTTP(address: string, options: DialOptions = {}): Promise<Client> {
  const endpoint = parseAddress(address);
  const auto = options.codec === 'auto';
  let codec = pickCodec(auto ? 'msgpack' : options.codec, 'msgpack');
  const { socket, codecConfirmed: confirmed, features } = await connectHTTP({
    endpoint,
    path: options.path ?? endpoint.path ?? DEFAULT_RPC_PATH,
    codecName: codec.name,
    headers: { ...NOTICES_REQUEST, ...keepaliveHeader(options), ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    timeoutMs: options.connectTimeout ?? 10_000,
    maxHeadBytes: DEFAULT_MAX_HEAD_BYTES,
    ...(options.tls || endpoint.secure ? { tls: typeof options.tls === 'object' ? options.tls : {} } : {}),
    ...(options.proxy !== undefined ? { proxy: options.proxy } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (auto && !confirmed) codec = pickCodec('gob', 'gob');
  const unconfirmed = !confirmed && codec.name !== 'gob';
  if (unconfirmed) return clientOver(socket, codec, options, { wrapCodec: exposeGobMismatch, protocolHint: codecMismatchHint(codec.name), target: address });
  return clientOver(socket, codec, options, { callContext: confirmed && features.includes(METADATA_FEATURE), target: address });
}
