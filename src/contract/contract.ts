import type { z } from 'zod';
import type { MethodTypes } from '../codec/go-type.js';
import { ErrorCode, RpcError } from '../errors.js';
import type { CallContext } from '../call-context.js';
import { zodToGoType } from './zod-go-type.js';
import type { ZodLike } from './zod-go-type.js';
import { requireZod4 } from './zod-version.js';

/** MethodSchema declares one method: the zod schemas of its argument and reply. */
export interface MethodSchema {
  readonly args: z.ZodType;
  readonly reply: z.ZodType;
}

/** MethodSchemas maps method names to their schemas. */
export type MethodSchemas = Readonly<Record<string, MethodSchema>>;

/**
 * ServiceContract is one service's definition, shared by server and
 * client: its name, the schemas of every method, and the Go types derived
 * from them (used by the gob codec). Make one with {@link defineService}.
 */
export interface ServiceContract<N extends string = string, M extends MethodSchemas = MethodSchemas> {
  readonly kind: 'netrpc.contract';
  readonly name: N;
  readonly methods: M;
  /** Declared Go types per method, derived from the schemas. */
  readonly types: Readonly<Record<keyof M & string, MethodTypes>>;
}

/**
 * ServiceImpl is what implementing a contract takes: for each method, a
 * handler receiving the parsed argument (the schema's output type) and the
 * call context, returning the reply (the reply schema's input type).
 */
export type ServiceImpl<C extends ServiceContract> = {
  [K in keyof C['methods']]: (
    args: z.output<C['methods'][K]['args']>,
    ctx: CallContext,
  ) => z.input<C['methods'][K]['reply']> | Promise<z.input<C['methods'][K]['reply']>>;
};

/** BoundService is a contract together with its implementation, ready to register. */
export interface BoundService<C extends ServiceContract = ServiceContract> {
  readonly kind: 'netrpc.bound-service';
  readonly contract: C;
  readonly impl: ServiceImpl<C>;
}

/**
 * defineService declares a service contract from zod 4 schemas. The Go
 * types the gob codec needs are derived from the schemas (see
 * `zodToGoType` for the table). Throws RpcError (RPC_REGISTER) for a
 * method without `{ args, reply }` and for schemas made by another zod
 * major version (zod 3), saying what to install.
 *
 * ```ts
 * const Arith = defineService('Arith', {
 *   Multiply: { args: z.object({ A: z.int(), B: z.int() }), reply: z.int() },
 * });
 * ```
 */
export function defineService<const N extends string, const M extends MethodSchemas>(name: N, methods: M): ServiceContract<N, M> {
  if (!name) throw new RpcError(ErrorCode.Register, 'rpc.Register: no service name');
  const types = {} as Record<string, MethodTypes>;
  for (const [method, schema] of Object.entries(methods)) {
    if (!schema || typeof schema !== 'object' || !('args' in schema) || !('reply' in schema)) {
      throw new RpcError(ErrorCode.Register, `rpc.Register: ${name}.${method} needs zod schemas { args, reply }`);
    }
    requireZod4(schema.args, `${name}.${method} args`);
    requireZod4(schema.reply, `${name}.${method} reply`);
    const args = zodToGoType(schema.args as unknown as ZodLike);
    const reply = zodToGoType(schema.reply as unknown as ZodLike);
    types[method] = { ...(args ? { args } : {}), ...(reply ? { reply } : {}) };
  }
  return { kind: 'netrpc.contract', name, methods, types: types as ServiceContract<N, M>['types'] };
}

/**
 * implement pairs a contract with its implementation, type-checked against
 * the contract, so a module can export it for `rpc-serve` or register it
 * later with `server.register(bound)`.
 */
export function implement<C extends ServiceContract>(contract: C, impl: ServiceImpl<C>): BoundService<C> {
  return { kind: 'netrpc.bound-service', contract, impl };
}

/** isContract reports whether `v` was made by defineService. */
export function isContract(v: unknown): v is ServiceContract {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'netrpc.contract';
}

/** isBoundService reports whether `v` was made by implement. */
export function isBoundService(v: unknown): v is BoundService {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'netrpc.bound-service';
}
