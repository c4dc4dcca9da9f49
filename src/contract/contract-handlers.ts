import { ErrorCode, RpcError } from '../errors.js';
import type { CallContext, Handler } from '../call-context.js';
import type { MethodSchema, ServiceContract } from './contract.js';
import type { MethodTypes } from '../codec/go-type.js';
import { conformValue, ValueMismatch } from '../codec/go-value.js';
import { describeIssues } from './validation.js';

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function validated(serviceMethod: string, schema: MethodSchema, types: MethodTypes | undefined, fn: Handler, receiver: object): Handler {
  const argsType = types?.args;
  const checkReply = (value: unknown): unknown => {
    const parsed = schema.reply.safeParse(value);
    if (!parsed.success) throw new RpcError(ErrorCode.Encode, `rpc: invalid reply from ${serviceMethod} (a server bug): ${describeIssues(parsed.error)}`);
    return parsed.data;
  };
  return function callValidated(args: unknown, ctx: CallContext): unknown {
    if (argsType !== undefined) {
      try {
        args = conformValue(args, argsType);
      } catch (err) {
        if (err instanceof ValueMismatch) throw new Error(`rpc: invalid args for ${serviceMethod}: ${err.message}`);
        throw err;
      }
    }
    const parsed = schema.args.safeParse(args);
    if (!parsed.success) throw new RpcError(ErrorCode.InvalidArgument, `rpc: invalid args for ${serviceMethod}: ${describeIssues(parsed.error)}`);
    const result = fn.call(receiver, parsed.data, ctx);
    return isThenable(result) ? Promise.resolve(result).then(checkReply) : checkReply(result);
  };
}

/**
 * contractHandlers wraps an implementation so every call is checked
 * against its contract. The decoded argument is first given the JS
 * representation of its declared Go type (see conformValue: int64 as
 * bigint, []byte as Uint8Array, time.Time as GoTime, whatever the codec);
 * then a bad argument is answered with
 * `rpc: invalid args for S.M: <field>: <problem>` before the handler runs,
 * and a reply that does not match the reply schema (a server bug) with
 * `rpc: invalid reply from S.M (a server bug): ...` instead of being sent.
 * Throws RpcError (RPC_REGISTER) when the implementation lacks a method.
 */
export function contractHandlers(contract: ServiceContract, impl: object): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  for (const [method, schema] of Object.entries(contract.methods)) {
    const fn = (impl as Record<string, unknown>)[method];
    if (typeof fn !== 'function') {
      throw new RpcError(ErrorCode.Register, `rpc.Register: ${contract.name} does not implement method ${method} of its contract`);
    }
    handlers[method] = validated(`${contract.name}.${method}`, schema, contract.types[method], fn as Handler, impl);
  }
  return handlers;
}
