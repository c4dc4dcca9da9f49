import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { ErrorCode, RpcError } from '../errors.js';

function isClass(v: unknown): v is new () => object {
  return typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

/**
 * servicesFromModule picks the services out of a module's exports: the
 * default export if it is a plain object (each key a service name), and
 * otherwise every named export that is an object or a class (instantiated
 * with `new`). Functions and primitive exports are skipped.
 */
export function servicesFromModule(mod: Record<string, unknown>): Record<string, object> {
  const source =
    mod.default !== null && typeof mod.default === 'object' && !isClass(mod.default) ? (mod.default as Record<string, unknown>) : mod;
  const out: Record<string, object> = {};
  for (const [name, value] of Object.entries(source)) {
    if (name === 'default') continue;
    if (isClass(value)) out[name] = new value();
    else if (value !== null && typeof value === 'object') out[name] = value;
  }
  return out;
}

/**
 * loadServiceModule imports a user module (`.js`, `.mjs`, or TypeScript
 * `.ts`/`.mts` through tsx) relative to `cwd` and returns its services.
 * Throws RpcError (RPC_INVALID_ARGUMENT) when it exports none.
 */
export async function loadServiceModule(path: string, cwd = process.cwd()): Promise<Record<string, object>> {
  const url = pathToFileURL(resolve(cwd, path)).href;
  let mod: Record<string, unknown>;
  if (/\.[mc]?tsx?$/.test(path)) {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } else {
    mod = (await import(url)) as Record<string, unknown>;
  }
  const services = servicesFromModule(mod);
  if (Object.keys(services).length === 0) {
    throw new RpcError(ErrorCode.InvalidArgument, `rpc-serve: ${path} exports no services (export objects or classes whose methods are the RPC methods)`);
  }
  return services;
}
