import { ErrorCode, ProtocolError, RpcError } from '../../errors.js';

/** protocolError returns a ProtocolError (RPC_PROTOCOL) with the gob prefix. */
export function protocolError(message: string): ProtocolError {
  return new ProtocolError(`rpc: gob: ${message}`);
}

/** tooDeepError returns a ProtocolError (RPC_NESTING_TOO_DEEP) with the gob prefix. */
export function tooDeepError(limit: number): ProtocolError {
  return new ProtocolError(`rpc: gob: value or type nests deeper than ${limit} levels`, ErrorCode.NestingTooDeep);
}

/** encodeError returns an RpcError (RPC_ENCODE) with the gob prefix. */
export function encodeError(message: string): RpcError {
  return new RpcError(ErrorCode.Encode, `rpc: gob: ${message}`);
}

/**
 * UnsupportedValueError means a well-framed value held something netrpc
 * cannot represent (a Go-internal type id, a time outside Date's range, a
 * value nested too deeply). The frame was consumed whole, so the stream
 * stays in sync: the server answers the call with an error instead of
 * closing the connection.
 */
export class UnsupportedValueError extends ProtocolError {}

