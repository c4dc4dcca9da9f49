import type { z } from 'zod';
import type { Caller, CallOptions } from '../call-options.js';
import { ErrorCode, RpcError } from '../errors.js';
import type { ServiceContract } from './contract.js';
import { conformValue, ValueMismatch } from '../codec/go-value.js';
import { describeIssues } from './validation.js';

/** ServiceProxyOptions tune a typed proxy. */
export interface ServiceProxyOptions {
  /**
   * Check every reply against the contract's reply schema (and return the
   * parsed value). A mismatch rejects with RPC_PROTOCOL. Default false.
   */
  readonly validateReplies?: boolean;
}

/**
 * ServiceProxy has one method per contract method: it takes the argument
 * (the args schema's input type) and per-call options, and resolves with
 * the reply (the reply schema's output type).
 */
export type ServiceProxy<C extends ServiceContract> = {
  readonly [K in keyof C['methods']]: (
    args: z.input<C['methods'][K]['args']>,
    options?: CallOptions,
  ) => Promise<z.output<C['methods'][K]['reply']>>;
};

/**
 * createServiceProxy builds a typed proxy for a contract whose calls go
 * through `caller.call` (a Client, a Pool, or anything with that method).
 * The contract's declared Go type of each argument is passed along, so gob
 * sends the right kinds, and each reply is given the JS representation of
 * its declared Go type (see conformValue), so a contract's replies are the
 * same values over every codec: int64 as bigint, []byte as Uint8Array,
 * time.Time as GoTime. A reply the declared type cannot hold (an int
 * beyond 2^53 declared `int`) rejects with RPC_PROTOCOL.
 */
export function createServiceProxy<C extends ServiceContract>(caller: Caller, contract: C, options: ServiceProxyOptions = {}): ServiceProxy<C> {
  const proxy: Record<string, (args: unknown, options?: CallOptions) => Promise<unknown>> = {};
  for (const [method, schema] of Object.entries(contract.methods)) {
    const serviceMethod = `${contract.name}.${method}`;
    const argsType = contract.types[method]?.args;
    const replyType = contract.types[method]?.reply;
    const conform = (reply: unknown): unknown => {
      if (replyType === undefined) return reply;
      try {
        return conformValue(reply, replyType);
      } catch (err) {
        if (err instanceof ValueMismatch) throw new RpcError(ErrorCode.Protocol, `rpc: reply of ${serviceMethod} does not match its contract: ${err.message}`);
        throw err;
      }
    };
    const check = (decoded: unknown): unknown => {
      const reply = conform(decoded);
      const parsed = schema.reply.safeParse(reply);
      if (!parsed.success) {
        throw new RpcError(ErrorCode.Protocol, `rpc: reply of ${serviceMethod} does not match its contract: ${describeIssues(parsed.error)}`);
      }
      return parsed.data;
    };
    proxy[method] = options.validateReplies
      ? (args, callOptions) => caller.call(serviceMethod, args, { argsType, ...callOptions }).then(check)
      : (args, callOptions) => caller.call(serviceMethod, args, { argsType, ...callOptions }).then(conform);
  }
  return Object.freeze(proxy) as ServiceProxy<C>;
}
