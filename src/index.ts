/**
 * netrpc: Go's net/rpc for Node.js, over HTTP CONNECT, wire-compatible with
 * Go programs. This module lists the public surface.
 */
export { Server } from './server/server.js';
export type { ServeConnOptions, ListenOptions, CloseOptions } from './server/server.js';
export type { ServingStatus, HealthCheckRequest, HealthCheckResponse } from './server/health.js';
export type { ProbeAccess } from './server/probe-routes.js';
export { SHUTTING_DOWN } from './drain-refusal.js';
export type { ServerOptions } from './server/options.js';
export type { CallContext, Handler } from './server/call-context.js';
export type { RegisterOptions, ServiceEntry, MethodEntry } from './server/registry.js';
export type { ServerReport, ServiceReport, MethodReport } from './server/server-stats.js';
export type { OpenSockets } from './server/socket-phases.js';
export { bearerToken } from './server/authorize.js';
export type { Authorize, AuthorizeResult, ConnectRequestInfo } from './server/authorize.js';
export { CANCEL_METHOD, CANCEL_NOTIFICATION } from './cancel.js';
export type { ServerConnection } from './server/connection.js';
export { Client } from './client/client.js';
export type { CallOptions } from './client/client.js';
export { dialHTTP } from './client/dial-http.js';
export { connectPool, dialReconnecting, Pool } from './client/pool.js';
export type { PoolOptions, PoolCallOptions, EndpointStatus, TargetStatus, PoolStats } from './client/pool.js';
export type { RetryPolicy, RetryBudgetOptions } from './client/retry-policy.js';
export type { DialOptions } from './client/dial-http.js';
export { ErrorCode, RpcError, ServerError, ProtocolError, HandshakeError } from './errors.js';
export type { ErrorCodeValue } from './errors.js';
export { builtinCodecs, findCodec } from './codec/builtin.js';
export { msgpackCodec } from './codec/msgpack.js';
export { jsonCodec } from './codec/json.js';
export { gobCodec } from './codec/gob.js';
export type { GobInterfaceValue } from './codec/gob.js';
export type { Codec, ServerCodec, ClientCodec, Measure, ServerMessage, ClientResponse, CodecOptions } from './codec/codec.js';
export type { GoType, GoField, MethodTypes } from './codec/go-type.js';
export { DEFAULT_RPC_PATH, DEFAULT_DEBUG_PATH, CONNECTED_RESPONSE } from './handshake.js';
export { defineService, implement, isContract, isBoundService } from './contract/contract.js';
export type { ServiceContract, ServiceImpl, BoundService, MethodSchema, MethodSchemas } from './contract/contract.js';
export type { ServiceProxy, ServiceProxyOptions } from './contract/service-proxy.js';
export { zodToGoType } from './contract/zod-go-type.js';
export { formatGoType } from './codec/go-type-format.js';
