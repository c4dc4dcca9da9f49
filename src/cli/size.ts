import { ErrorCode, RpcError } from '../errors.js';

/** Bytes per unit: decimal (kB = 1000) and binary (KiB = 1024) prefixes, matched without regard to case. */
const UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ['kb', 1e3],
  ['mb', 1e6],
  ['gb', 1e9],
  ['tb', 1e12],
  ['kib', 2 ** 10],
  ['mib', 2 ** 20],
  ['gib', 2 ** 30],
  ['tib', 2 ** 40],
]);

const UNIT_LIST = 'B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)';

/**
 * parseSize reads a byte count: a plain number of bytes (`65536`) or a
 * number with a unit (`512KiB`, `1MiB`, `64MB`, `1.5GiB`; kB/MB/GB/TB are
 * powers of 1000, KiB/MiB/GiB/TiB powers of 1024). The result must be a
 * whole number of bytes within JavaScript's safe integers. Throws RpcError
 * (RPC_INVALID_ARGUMENT) for anything else, naming the accepted units.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) throw new RpcError(ErrorCode.InvalidArgument, `invalid size ${JSON.stringify(text)}; want bytes or a number with a unit: ${UNIT_LIST}`);
  const unit = UNITS.get(m[2]!.toLowerCase());
  if (unit === undefined) throw new RpcError(ErrorCode.InvalidArgument, `unknown unit ${JSON.stringify(m[2])} in size ${JSON.stringify(text)}; use ${UNIT_LIST}`);
  const [whole, fraction = ''] = m[1]!.split('.');
  // Exact arithmetic: the fraction must come out as whole bytes.
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole || '0') * scale + BigInt(fraction || '0')) * BigInt(unit);
  if (scaled % scale !== 0n) throw new RpcError(ErrorCode.InvalidArgument, `size ${JSON.stringify(text)} is not a whole number of bytes`);
  const bytes = scaled / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new RpcError(ErrorCode.InvalidArgument, `size ${JSON.stringify(text)} is too large`);
  return Number(bytes);
}
