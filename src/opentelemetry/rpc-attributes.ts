import type { Attributes } from '@opentelemetry/api';
import { RpcError } from '../errors.js';
import { splitHostPort } from '../host-port.js';
import type { HostPort } from '../host-port.js';

/**
 * GO_NET_RPC is the `rpc.system.name` netrpc reports. The semantic
 * conventions list no value for Go's net/rpc (they name grpc, dubbo,
 * connectrpc, jsonrpc), and allow a custom one; every codec (gob, Go's
 * jsonrpc, msgpack-rpc) is spoken in net/rpc's call model, so one value
 * names them all and `netrpc.codec` tells them apart.
 */
export const GO_NET_RPC = 'go_net_rpc';

/** rpcMethod is the conventions' fully-qualified method, `Service/Method`, from net/rpc's `Service.Method` (split at the last dot). */
export function rpcMethod(serviceMethod: string): string {
  const dot = serviceMethod.lastIndexOf('.');
  return dot < 0 ? serviceMethod : `${serviceMethod.slice(0, dot)}/${serviceMethod.slice(dot + 1)}`;
}

/**
 * errorType is the `error.type` of a failed call: the RpcError code
 * (RPC_SERVER_ERROR for an error the remote handler returned, RPC_TIMEOUT,
 * RPC_ABORTED, ...), else the error's class name, else `_OTHER`.
 */
export function errorType(err: unknown): string {
  if (err instanceof RpcError) return err.code;
  if (err instanceof Error && err.name) return err.name;
  return '_OTHER';
}

/** Split addresses by their text: a process talks to few peers, and every call of a connection has the same ones. */
const splitCache = new Map<string, HostPort | undefined>();
const SPLIT_CACHE_LIMIT = 4096;

function cachedSplit(address: string): HostPort | undefined {
  let hp = splitCache.get(address);
  if (hp === undefined && !splitCache.has(address)) {
    if (splitCache.size >= SPLIT_CACHE_LIMIT) splitCache.clear();
    hp = splitHostPort(address);
    splitCache.set(address, hp);
  }
  return hp;
}

/** addAddress sets `<prefix>.address` and `<prefix>.port` from a `host:port` (or `unix:/path`) address, when known. */
export function addAddress(attributes: Attributes, prefix: string, address: string | undefined): void {
  if (address === undefined) return;
  const hp = cachedSplit(address);
  if (!hp) return;
  attributes[`${prefix}.address`] = hp.host;
  if (hp.port !== undefined) attributes[`${prefix}.port`] = hp.port;
}

/** transportOf is the `network.transport` of a dialed address: `unix` for `unix:` ones, else `tcp`. */
export function transportOf(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  return address.startsWith('unix:') ? 'unix' : 'tcp';
}
