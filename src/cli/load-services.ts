import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isBoundService } from '../contract/contract.js';
import type { BoundService } from '../contract/contract.js';
import { describeLoadError } from './module-errors.js';

/** ServiceDefinition is a service found in a module: a contract-bound one, or a named object. */
export type ServiceDefinition = BoundService | { readonly name: string; readonly impl: object };

/** ModuleLoadError is a service module that cannot be served; `message` is one line naming the user's file. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
}

function isClass(v: unknown): v is new () => object {
  return typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * moduleExports reads a module namespace as its author wrote it. Node
 * gives a CommonJS module's `module.exports` as `default` and, where it
 * can tell, each of its properties again as a named export; CommonJS
 * compiled from ES module syntax (TypeScript, esbuild, Babel: marked
 * `__esModule`) keeps the real default export in `default.default`.
 */
function moduleExports(mod: Record<string, unknown>): { named: [string, unknown][]; def: unknown } {
  const named = Object.entries(mod).filter(([name]) => name !== 'default' && name !== 'module.exports');
  const def = mod.default;
  if (def !== null && (typeof def === 'object' || typeof def === 'function') && (def as { __esModule?: unknown }).__esModule === true) {
    const inner = Object.entries(def).filter(([name]) => name !== 'default');
    return { named: [...named, ...inner], def: (def as { default?: unknown }).default };
  }
  return { named, def };
}

/**
 * servicesFromModule picks the services out of a module's exports. Each of
 * these is a service: a value made by `implement(contract, impl)` (served
 * under the contract's name); an object or a class (instantiated with
 * `new`) under its export name. The default export may itself be a plain
 * object of such values (`{ ServiceName: impl }`), an array of them, or a
 * single one (a class or an instance is named after its class). Other
 * exports are skipped. A value exported more than once (a CommonJS
 * module's properties, which Node also lists as named exports; `export
 * default Greeter` next to `export class Greeter`) is served once.
 */
export function servicesFromModule(mod: Record<string, unknown>): ServiceDefinition[] {
  const out: ServiceDefinition[] = [];
  const seen = new Set<unknown>();
  const take = (name: string, value: unknown): void => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
    if (isBoundService(value)) out.push(value);
    else if (isClass(value)) out.push({ name: name === '' ? value.name : name, impl: new value() });
    else if (typeof value === 'object' && !Array.isArray(value)) {
      const className = (value as { constructor?: { name?: string } }).constructor?.name;
      out.push({ name: name === '' && className && className !== 'Object' ? className : name, impl: value });
    } else return;
    seen.add(value);
  };
  const { named, def } = moduleExports(mod);
  for (const [name, value] of named) take(name, value);
  if (Array.isArray(def)) for (const v of def) take('', v);
  else if (isPlainObject(def) && !isBoundService(def)) for (const [name, value] of Object.entries(def)) take(name, value);
  else take('', def);
  return out;
}

/** importTypeScript loads a .ts/.mts/.cts module through tsx, found next to netrpc or next to the module. */
async function importTypeScript(file: string, shown: string, program: string): Promise<Record<string, unknown>> {
  let api: { tsImport(specifier: string, parent: string): Promise<unknown> };
  try {
    api = (await import('tsx/esm/api')) as typeof api;
  } catch {
    try {
      api = (await import(pathToFileURL(createRequire(file).resolve('tsx/esm/api')).href)) as typeof api;
    } catch {
      throw new ModuleLoadError(`${shown} is TypeScript, which ${program} runs with tsx, and tsx is not installed: npm install --save-dev tsx (or serve the compiled .js)`);
    }
  }
  return (await api.tsImport(pathToFileURL(file).href, pathToFileURL(file).href)) as Record<string, unknown>;
}

/**
 * importUserModule imports a user module relative to `cwd` (`.ts`, `.mts`
 * and `.cts` through tsx) and returns its namespace. Throws
 * ModuleLoadError, one line naming the user's file, line and the reason,
 * when the file is missing or does not load; `program` names the CLI in
 * the hint to install tsx.
 */
export async function importUserModule(path: string, cwd: string, program: string): Promise<Record<string, unknown>> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new ModuleLoadError(`cannot find ${path} (no file ${file})`);
  if (statSync(file).isDirectory()) throw new ModuleLoadError(`${path} is a folder; give the module's file, e.g. ${path.replace(/\/$/, '')}/index.js`);
  try {
    return /\.[mc]?tsx?$/.test(file) ? await importTypeScript(file, path, program) : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof ModuleLoadError) throw err;
    throw new ModuleLoadError(describeLoadError(err, file, cwd), { cause: err });
  }
}

/**
 * loadServiceModule imports a user module relative to `cwd` and returns
 * its services: `.js`, `.mjs` and `.cjs` (ES modules and CommonJS) with
 * Node, `.ts`, `.mts` and `.cts` through tsx (an optional peer
 * dependency). Throws ModuleLoadError, whose message is one line naming
 * the user's file, line and the reason, when the file is missing, does not
 * load (a syntax error, a missing import, an exception at load time), or
 * exports no services.
 */
export async function loadServiceModule(path: string, cwd = process.cwd()): Promise<ServiceDefinition[]> {
  const mod = await importUserModule(path, cwd, 'rpc-serve');
  const services = servicesFromModule(mod);
  if (services.length === 0) {
    throw new ModuleLoadError(
      `${path} exports no services: export objects or classes whose methods are the RPC methods (export class Greeter { Hello(name) { ... } }), or implement(contract, impl) values`,
    );
  }
  return services;
}
