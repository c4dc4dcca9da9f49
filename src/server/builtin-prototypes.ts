import { createRequire } from 'node:module';

/**
 * Node core modules whose exported classes a service might extend
 * (EventEmitter, streams, sockets, servers, workers, ...). Loaded lazily
 * and only these: loading every builtin module prints experimental and
 * deprecation warnings for some.
 */
const CORE_MODULES = [
  'node:events',
  'node:stream',
  'node:net',
  'node:http',
  'node:https',
  'node:http2',
  'node:tls',
  'node:dgram',
  'node:child_process',
  'node:cluster',
  'node:fs',
  'node:readline',
  'node:worker_threads',
  'node:async_hooks',
  'node:zlib',
  'node:crypto',
  'node:string_decoder',
  'node:url',
  'node:buffer',
  'node:perf_hooks',
  'node:util',
  'node:vm',
];

let known: WeakSet<object> | undefined;

function addConstructor(set: WeakSet<object>, value: unknown): void {
  if (typeof value !== 'function') return;
  const proto = (value as { prototype?: unknown }).prototype;
  if (proto !== null && typeof proto === 'object') set.add(proto);
}

/** The prototypes of every global constructor and of the classes the core modules above export. */
function knownPrototypes(): WeakSet<object> {
  if (known) return known;
  const set = new WeakSet<object>([Object.prototype, Function.prototype]);
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    if (d && 'value' in d) addConstructor(set, d.value);
  }
  const require = createRequire(import.meta.url);
  for (const id of CORE_MODULES) {
    const mod = require(id) as unknown;
    addConstructor(set, mod);
    if (mod !== null && typeof mod === 'object') for (const value of Object.values(mod)) addConstructor(set, value);
    else if (typeof mod === 'function') for (const key of Object.keys(mod)) addConstructor(set, (mod as unknown as Record<string, unknown>)[key]);
  }
  known = set;
  return set;
}

function isNativeFunction(fn: unknown): boolean {
  return typeof fn === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
}

/**
 * isBuiltinPrototype reports whether `o` is the prototype of a built-in
 * JavaScript class (Object, Function, Array, Map, Promise, Error, ...:
 * any whose constructor is native code), of a global Node class
 * (EventTarget, AbortController, URL, ...), or of a class a Node core
 * module exports (EventEmitter, Readable, Socket, http.Server, ...).
 * A registered service's methods are looked up on its prototype chain
 * only below the first such prototype.
 */
export function isBuiltinPrototype(o: object): boolean {
  if (knownPrototypes().has(o)) return true;
  if (!Object.prototype.hasOwnProperty.call(o, 'constructor')) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  return isNativeFunction(ctor) && (ctor as { prototype?: unknown }).prototype === o;
}
