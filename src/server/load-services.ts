import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { isBoundService } from '../contract/contract.js';
import type { BoundService } from '../contract/contract.js';
import { ErrorCode, RpcError } from '../errors.js';

/** ServiceDefinition is a service found in a module: a contract-bound one, or a named object. */
export type ServiceDefinition = BoundService | { readonly name: string; readonly impl: object };

function isClass(v: unknown): v is new () => object {
  return typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * servicesFromModule picks the services out of a module's exports. Each of
 * these is a service: a value made by `implement(contract, impl)` (served
 * under the contract's name); an object or a class (instantiated with
 * `new`) under its export name. The default export may itself be a plain
 * object of such values (`{ ServiceName: impl }`), an array of bound
 * services, or a single bound service. Other exports are skipped.
 */
export function servicesFromModule(mod: Record<string, unknown>): ServiceDefinition[] {
  const out: ServiceDefinition[] = [];
  const take = (name: string, value: unknown): void => {
    if (isBoundService(value)) out.push(value);
    else if (isClass(value)) out.push({ name: name === 'default' || name === '' ? value.name : name, impl: new value() });
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push({ name, impl: value });
  };
  for (const [name, value] of Object.entries(mod)) {
    if (name !== 'default') take(name, value);
  }
  const def = mod.default;
  if (Array.isArray(def)) for (const v of def) take('', v);
  else if (isPlainObject(def) && !isBoundService(def)) for (const [name, value] of Object.entries(def)) take(name, value);
  else if (def !== undefined) take('default', def);
  return out;
}

/**
 * loadServiceModule imports a user module (`.js`, `.mjs`, or TypeScript
 * `.ts`/`.mts` through tsx) relative to `cwd` and returns its services.
 * Throws RpcError (RPC_INVALID_ARGUMENT) when it exports none.
 */
export async function loadServiceModule(path: string, cwd = process.cwd()): Promise<ServiceDefinition[]> {
  const url = pathToFileURL(resolve(cwd, path)).href;
  let mod: Record<string, unknown>;
  if (/\.[mc]?tsx?$/.test(path)) {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } else {
    mod = (await import(url)) as Record<string, unknown>;
  }
  const services = servicesFromModule(mod);
  if (services.length === 0) {
    throw new RpcError(
      ErrorCode.InvalidArgument,
      `rpc-serve: ${path} exports no services (export implement(contract, impl) values, or objects or classes whose methods are the RPC methods)`,
    );
  }
  return services;
}
