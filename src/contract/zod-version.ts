import { ErrorCode, RpcError } from '../errors.js';

/** The zod major version that made `schema`: 4, 3, or undefined when it is not a zod schema. */
export function zodMajorOf(schema: unknown): number | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const internals = (schema as { _zod?: { version?: { major?: unknown } } })._zod;
  if (internals && typeof internals.version?.major === 'number') return internals.version.major;
  // zod 3 keeps its definition in _def (with a typeName) and has no _zod.
  if (typeof (schema as { _def?: { typeName?: unknown } })._def?.typeName === 'string') return 3;
  return undefined;
}

const NEED_ZOD_4 = 'netrpc contracts need zod 4: npm install zod@^4 (on zod 3.25, import from "zod/v4")';

/**
 * requireZod4 throws RpcError (RPC_REGISTER) unless `schema` was made by
 * zod 4, saying which zod made it and what to install. `where` names the
 * schema, as in `Inventory.Reserve args`.
 */
export function requireZod4(schema: unknown, where: string): void {
  const major = zodMajorOf(schema);
  if (major === 4) return;
  if (major !== undefined) throw new RpcError(ErrorCode.Register, `rpc.Register: ${where} is a zod ${major} schema; ${NEED_ZOD_4}`);
  throw new RpcError(ErrorCode.Register, `rpc.Register: ${where} is not a zod schema; ${NEED_ZOD_4}`);
}

/**
 * requireZod4Module throws RpcError (RPC_REGISTER) when the `zod` module
 * itself is not zod 4, before schemas are built with zod 4's API; `user`
 * names what needs it, as in `netrpc/demo`.
 */
export function requireZod4Module(zod: { string?: () => unknown }, user: string): void {
  const major = zodMajorOf(typeof zod.string === 'function' ? zod.string() : undefined);
  if (major === 4) return;
  throw new RpcError(ErrorCode.Register, `rpc: ${user} needs zod 4, and the zod package found is ${major === undefined ? 'not zod' : `zod ${major}`}: npm install zod@^4`);
}
