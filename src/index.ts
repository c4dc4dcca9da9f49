/**
 * netrpc: Go's net/rpc for Node.js, over HTTP CONNECT, wire-compatible with
 * Go programs. This module lists the public surface in tiers: what an
 * application needs first, then what operators wire in, then what a codec
 * author implements. The demo services are the `netrpc/demo` subpath, and
 * Prometheus metrics `netrpc/prometheus` (its types need prom-client), and
 * OpenTelemetry `netrpc/opentelemetry` (its types need @opentelemetry/api).
 */

// ── Serving ────────────────────────────────────────────────────────────────
export { Server } from './server/server.js';
export type { ServeConnOptions, ListenOptions, CloseOptions } from './server/server.js';
export type { ServerOptions } from './server/options.js';
export type { CallContext, Handler } from './call-context.js';
export type { RegisterOptions, ServiceEntry, MethodEntry } from './server/registry.js';
export type { ServerConnection } from './server/connection.js';
export { bearerToken } from './server/authorize.js';
export type { Authorize, AuthorizeResult, ConnectRequestInfo } from './server/authorize.js';

// ── Calling ────────────────────────────────────────────────────────────────
export { Client } from './client/client.js';
export type { CallOptions, Caller } from './call-options.js';
export { DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_METADATA_ENTRIES } from './call-metadata.js';
export type { Metadata, MetadataLimits } from './call-metadata.js';
export { dialHTTP } from './client/dial-http.js';
export type { DialOptions } from './client/dial-http.js';
export { dial } from './client/dial.js';
export type { PlainDialOptions } from './client/dial.js';
export { newClient } from './client/new-client.js';
export type { StreamClientOptions } from './client/new-client.js';
export { connectPool, dialReconnecting, Pool } from './client/pool.js';
export type { PoolOptions, PoolCallOptions, EndpointStatus, TargetStatus, PoolStats } from './client/pool.js';
export type { RetryPolicy, RetryBudgetOptions } from './client/retry-policy.js';

// ── Typed contracts and Go values ──────────────────────────────────────────
export { defineService, implement, isContract, isBoundService } from './contract/contract.js';
export type { ServiceContract, ServiceImpl, BoundService, MethodSchema, MethodSchemas } from './contract/contract.js';
export { createServiceProxy } from './contract/service-proxy.js';
export type { ServiceProxy, ServiceProxyOptions } from './contract/service-proxy.js';
export { go } from './contract/go-schemas.js';
export { GoTime, parseRFC3339 } from './codec/go-time.js';
export { zodToGoType } from './contract/zod-go-type.js';
export { formatGoType } from './codec/go-type-format.js';
export { conformValue, ValueMismatch } from './codec/go-value.js';
export type { GoType, GoField, MethodTypes } from './codec/go-type.js';
export type { GobInterfaceValue } from './codec/gob/gob-codec.js';

// ── Errors ─────────────────────────────────────────────────────────────────
export { ErrorCode, RpcError, ServerError, ProtocolError, HandshakeError } from './errors.js';
export type { ErrorCodeValue } from './errors.js';
export { SHUTTING_DOWN } from './drain-refusal.js';

// ── Operating: health, observability, limits ───────────────────────────────
export type { ServingStatus, HealthCheckRequest, HealthCheckResponse } from './server/health.js';
export type { ProbeAccess } from './server/probe-routes.js';
export type { Logger } from './logger.js';
export type { ServerMiddleware, ServerCallInfo } from './server/middleware.js';
export type { ClientInterceptor, ClientCallInfo } from './client/interceptor.js';
export { SERVER_CALL_CHANNEL } from './server/server-call-channel.js';
export type { ServerCallMessage } from './server/server-call-channel.js';
export { CLIENT_CALL_CHANNEL } from './client/client-call-channel.js';
export type { ClientCallMessage } from './client/client-call-channel.js';
// openTelemetry is the `netrpc/opentelemetry` subpath: its types need @opentelemetry/api, an optional peer.
// prometheusMetrics is the `netrpc/prometheus` subpath: its types need prom-client, an optional peer.
export type { ServerReport, ServiceReport, MethodReport } from './server/server-stats.js';
export type { CallHistorySnapshot } from './server/call-history.js';
export { mergeReports } from './server/merge-reports.js';
export type { CallOutcome, CallRecord, CallListener, CallSink } from './server/call-sink.js';
export type { RefusalReason, Traffic, ServerTelemetry } from './server/server-telemetry.js';
export type { OpenSockets } from './server/socket-phases.js';
export { DEFAULT_RPC_PATH, DEFAULT_DEBUG_PATH } from './connect-wire.js';

// ── Writing a codec (see the README's "Writing a codec") ───────────────────
export { builtinCodecs, findCodec } from './codec/builtin.js';
export { msgpackCodec } from './codec/msgpack/msgpack-codec.js';
export { jsonCodec } from './codec/json/json-codec.js';
export { gobCodec } from './codec/gob/gob-codec.js';
export type {
  Codec,
  ServerCodec,
  ClientCodec,
  Measure,
  Encoded,
  ServerMessage,
  ServerRequest,
  ServerCancel,
  ServerNotification,
  ServerOutgoing,
  ServerResponse,
  ClientOutgoing,
  ClientRequest,
  ClientCancel,
  ClientMessage,
  ClientNotification,
  ClientResponse,
  CodecOptions,
} from './codec/codec.js';
export { CallIds } from './codec/call-ids.js';
export { CANCEL_METHOD, CANCEL_NOTIFICATION } from './codec/cancel.js';
export { GOAWAY_NOTIFICATION } from './goaway.js';
