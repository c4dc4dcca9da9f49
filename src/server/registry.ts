import type { MethodTypes } from '../codec/go-type.js';
import { ErrorCode, RpcError } from '../errors.js';
import { isBuiltinPrototype } from './builtin-prototypes.js';
import type { Handler } from '../call-context.js';
import type { CallSink } from './call-sink.js';
import { MethodStats } from './method-stats.js';

/** MethodEntry is one registered method and its counters. */
export interface MethodEntry {
  readonly service: string;
  readonly name: string;
  readonly handler: Handler;
  /** `this` for the handler: the registered object. */
  readonly receiver: object;
  readonly types: MethodTypes | undefined;
  /** Call counts and recent latencies, for the debug page. */
  readonly stats: MethodStats;
}

/** ServiceEntry is one registered service. */
export interface ServiceEntry {
  readonly name: string;
  readonly methods: ReadonlyMap<string, MethodEntry>;
}

/** RegisterOptions tune how a service is registered. */
export interface RegisterOptions {
  /** Declared Go types per method name, used by codecs that need kinds (gob). */
  readonly types?: Readonly<Record<string, MethodTypes>>;
  /**
   * Also serve methods inherited from built-in and Node core prototypes
   * (Function's `call`, Array's `push`, EventEmitter's `emit`, ...), which
   * are left out by default. Object.prototype's are never served.
   */
  readonly includeBuiltinMethods?: boolean;
}

/**
 * methodNames lists the callable methods of `impl`: the functions that are
 * its own properties or come from its prototype chain up to (not
 * including) the first built-in or Node core prototype, such as
 * Object.prototype, Function.prototype, Array.prototype, Map.prototype or
 * EventEmitter.prototype (see isBuiltinPrototype): only what the user
 * wrote. With `includeBuiltinMethods` the chain goes on to (not including)
 * Object.prototype. `constructor` and names starting with `_` are never
 * methods. Getters are not invoked.
 */
export function methodNames(impl: object, { includeBuiltinMethods = false }: { includeBuiltinMethods?: boolean } = {}): string[] {
  const names = new Set<string>();
  const stop = (o: object): boolean => o === Object.prototype || (!includeBuiltinMethods && o !== impl && isBuiltinPrototype(o));
  for (let o: object | null = impl; o !== null && !stop(o); o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || name.startsWith('_') || names.has(name)) continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/**
 * Registry maps service names to services, like Go's Server.serviceMap.
 * Lookups split `Service.Method` at the last dot.
 */
export class Registry {
  private readonly services = new Map<string, ServiceEntry>();
  /** Cache of `Service.Method` → entry for the hot path. */
  private readonly byFullName = new Map<string, MethodEntry>();
  private readonly sink: CallSink | undefined;

  /** `sink` receives every answered call of the methods registered here (a Server passes its own). */
  constructor(sink?: CallSink) {
    this.sink = sink;
  }
  /** Built-in services (Health): served when no user service takes the name, never listed. */
  private readonly builtins = new Map<string, ServiceEntry>();

  /**
   * add registers `impl` under `name`. It throws an RpcError (code
   * RPC_REGISTER) with Go's message when the name is empty, already taken,
   * or the object has no methods.
   */
  add(name: string, impl: object, options: RegisterOptions = {}): ServiceEntry {
    const entry = this.build(name, impl, options);
    this.services.set(name, entry);
    for (const [m, e] of entry.methods) this.byFullName.set(`${name}.${m}`, e);
    return entry;
  }

  /**
   * addBuiltin serves a library-provided service under `name` unless a
   * user service of that name is registered, before or after (the user's
   * wins). Built-ins are not listed (debug page, banners).
   */
  addBuiltin(name: string, impl: object, options: RegisterOptions = {}): void {
    this.builtins.set(name, this.build(name, impl, options));
  }

  /** has reports whether a user service of that name is registered. */
  has(name: string): boolean {
    return this.services.has(name);
  }

  private build(name: string, impl: object, options: RegisterOptions): ServiceEntry {
    if (typeof impl !== 'object' && typeof impl !== 'function') {
      throw new RpcError(ErrorCode.Register, `rpc.Register: service ${name} is not an object`);
    }
    if (!name) {
      throw new RpcError(ErrorCode.Register, `rpc.Register: no service name for type ${impl.constructor?.name ?? 'object'}`);
    }
    if (this.services.has(name)) throw new RpcError(ErrorCode.Register, `rpc: service already defined: ${name}`);
    const methods = new Map<string, MethodEntry>();
    for (const m of methodNames(impl, options)) {
      const handler = (impl as Record<string, Handler>)[m]!;
      methods.set(m, { service: name, name: m, handler, receiver: impl, types: options.types?.[m], stats: new MethodStats(this.sink, name, m) });
    }
    if (methods.size === 0) {
      throw new RpcError(ErrorCode.Register, `rpc.Register: type ${name} has no exported methods of suitable type`);
    }
    return { name, methods };
  }

  /**
   * lookup finds the method for `Service.Method`, or returns the error text
   * Go's server sends for an ill-formed name, unknown service or method.
   */
  lookup(serviceMethod: string): MethodEntry | string {
    const hit = this.byFullName.get(serviceMethod);
    if (hit) return hit;
    const dot = serviceMethod.lastIndexOf('.');
    if (dot < 0) return `rpc: service/method request ill-formed: ${serviceMethod}`;
    const service = serviceMethod.slice(0, dot);
    if (!this.services.has(service)) {
      const builtin = this.builtins.get(service)?.methods.get(serviceMethod.slice(dot + 1));
      if (builtin) return builtin;
      if (!this.builtins.has(service)) return `rpc: can't find service ${serviceMethod}`;
    }
    return `rpc: can't find method ${serviceMethod}`;
  }

  /** list returns the registered services in registration order. */
  list(): ServiceEntry[] {
    return [...this.services.values()];
  }
}
