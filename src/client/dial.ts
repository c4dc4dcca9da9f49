import net from 'node:net';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { DEFAULT_MAX_HEAD_BYTES } from '../http-head.js';
import { ErrorCode, RpcError } from '../errors.js';
import { fromSocketError } from '../node-errors.js';
import type { Client } from './client.js';
import { classifyDialFailure } from './dial-failure.js';
import { openTransport, withinDeadline } from './http-connect.js';
import type { Track } from './http-connect.js';
import { clientOver, pickCodec } from './new-client.js';
import type { StreamClientOptions } from './new-client.js';
import { parsePlainAddress } from './plain-address.js';

/** PlainDialOptions configure {@link dial}: the stream options plus how to reach the server. */
export interface PlainDialOptions extends StreamClientOptions {
  /**
   * Dial with TLS: true for the system's trusted CAs, or Node TLS options
   * (`ca`, `cert`/`key` for a client certificate, `servername`, ...).
   * A `tls://` address turns TLS on too. Not for Unix sockets.
   */
  readonly tls?: boolean | ConnectionOptions;
  /**
   * HTTP forward proxy URL to tunnel through with `CONNECT host:port`;
   * false for none. By default HTTPS_PROXY / HTTP_PROXY / NO_PROXY from
   * the environment decide. Not for Unix sockets.
   */
  readonly proxy?: string | false;
  /** Give up connecting when this fires: dial rejects at once with RPC_ABORTED. */
  readonly signal?: AbortSignal;
  /** Time allowed to connect (and finish TLS), in ms. Default 10 000. */
  readonly connectTimeout?: number;
}

function openUnix(path: string, track: Track): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path });
    track(socket);
    const onError = (err: Error): void => reject(fromSocketError(err, 'dial'));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

/**
 * dial connects to an RPC server over a plain stream, no HTTP handshake:
 * Go's rpc.Dial (`codec: 'gob'`, the default) and jsonrpc.Dial (`'json'`),
 * or msgpack-rpc. `address` is `host:port`, `tcp://host:port`,
 * `tls://host:port` (or the `tls` option) or `unix:/path`. It resolves
 * with a ready Client once connected (and TLS finished); it rejects with
 * RPC_INVALID_ARGUMENT for a bad address or codec (`'auto'` too: plain TCP
 * has no way to agree on one), RPC_CONNECT when the server cannot be
 * reached or TLS fails (naming a plain server answering TLS as such),
 * RPC_TIMEOUT past `connectTimeout`, and RPC_ABORTED at once when
 * `signal` fires. A server speaking another codec is found at the first
 * call (a protocol error or RPC_CONNECTION_LOST), as with Go.
 */
export async function dial(address: string, options: PlainDialOptions = {}): Promise<Client> {
  if (options.codec === 'auto') {
    throw new RpcError(ErrorCode.InvalidArgument, "rpc: codec 'auto' needs the HTTP CONNECT handshake (dialHTTP); name the codec the plain-TCP server speaks");
  }
  const codec = pickCodec(options.codec, 'gob');
  const target = parsePlainAddress(address);
  const limits = { timeoutMs: options.connectTimeout ?? 10_000, ...(options.signal ? { signal: options.signal } : {}) };
  let socket: Socket;
  if (target.kind === 'unix') {
    if (options.tls) throw new RpcError(ErrorCode.InvalidArgument, 'rpc: the tls option does not apply to a Unix socket address');
    socket = await withinDeadline(`dial unix:${target.path}`, limits, (track) => openUnix(target.path, track), (err) => err);
  } else {
    const { endpoint } = target;
    const tls = options.tls || target.tls ? (typeof options.tls === 'object' ? options.tls : {}) : undefined;
    const transport = { endpoint, maxHeadBytes: DEFAULT_MAX_HEAD_BYTES, ...(tls ? { tls } : {}), ...(options.proxy !== undefined ? { proxy: options.proxy } : {}) };
    const failed = { endpoint, tls: tls !== undefined };
    socket = await withinDeadline(`dial ${endpoint.host}:${endpoint.port}`, limits, (track) => openTransport(transport, track), (err) => classifyDialFailure(err, failed));
  }
  return clientOver(socket, codec, options, { target: address });
}
