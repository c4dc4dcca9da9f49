/**
 * The cases of the Go value matrix (test/interop/go/matrix): their names in
 * the order the Go client runs them and, per codec, the ones Go → Go cannot
 * carry with the reason. Each case is a method triple on the `Matrix`
 * service — Echo<Case>, Get<Case>, Check<Case> — and the service also has
 * Fail. matrix-go-go.test.ts checks this list against the Go program's own.
 */

/** MatrixCodec is a codec the matrix runs: gob, or Go's net/rpc/jsonrpc. */
export type MatrixCodec = 'gob' | 'json';

/** MatrixTransport is how the matrix connects: HTTP CONNECT or plain TCP. */
export type MatrixTransport = 'http' | 'tcp';

/** matrixCodecs lists every MatrixCodec. */
export const matrixCodecs: readonly MatrixCodec[] = ['gob', 'json'];

/** matrixTransports lists every MatrixTransport. */
export const matrixTransports: readonly MatrixTransport[] = ['http', 'tcp'];

/** MatrixCase is one case; `excluded` maps a codec Go → Go cannot carry it over to why. */
export interface MatrixCase {
  readonly name: string;
  readonly excluded: Readonly<Partial<Record<MatrixCodec, string>>>;
}

const noJson = (why: string): MatrixCase['excluded'] => ({ json: why });

/** matrixCases lists every case in the order the Go client runs them. */
export const matrixCases: readonly MatrixCase[] = [
  { name: 'Ints', excluded: {} },
  { name: 'Floats', excluded: {} },
  { name: 'FloatSpecials', excluded: noJson('encoding/json refuses NaN and ±Inf') },
  { name: 'Complexes', excluded: noJson('encoding/json has no complex numbers') },
  { name: 'Strings', excluded: {} },
  { name: 'InvalidUTF8', excluded: {} },
  { name: 'Bytes', excluded: {} },
  { name: 'BigBytes', excluded: {} },
  { name: 'Arrays', excluded: {} },
  { name: 'Slices', excluded: {} },
  { name: 'Maps', excluded: {} },
  { name: 'KeyedMaps', excluded: {} },
  { name: 'OtherKeyMaps', excluded: noJson('encoding/json takes only string and integer map keys') },
  { name: 'Nested', excluded: {} },
  { name: 'Embedded', excluded: {} },
  { name: 'Pointers', excluded: {} },
  { name: 'Named', excluded: {} },
  { name: 'Recursive', excluded: {} },
  { name: 'Unexported', excluded: {} },
  { name: 'ZeroFields', excluded: {} },
  { name: 'AllZero', excluded: {} },
  { name: 'Times', excluded: {} },
  { name: 'FarTimes', excluded: noJson("time.Time's MarshalJSON refuses years outside 0..9999") },
  { name: 'Interfaces', excluded: {} },
  { name: 'TypedInterface', excluded: noJson('encoding/json cannot decode into a non-empty interface') },
  { name: 'NilElements', excluded: { gob: 'gob refuses a nil pointer inside a slice or map' } },
  { name: 'TopInt64', excluded: {} },
  { name: 'TopUint64', excluded: {} },
  { name: 'TopNegZero', excluded: {} },
  { name: 'TopString', excluded: {} },
  { name: 'TopZero', excluded: {} },
  { name: 'TopEmptySlice', excluded: {} },
  {
    name: 'TopNilMap',
    excluded: noJson('a nil map reply is written as "result":null, which Go\'s jsonrpc client takes for a broken connection'),
  },
];

/** matrixFailText is the exact error text of `Matrix.Fail`. */
export const matrixFailText = 'échec — ✗ 数据 😀\nsecond line\r\nthird\t"quoted" \\ end';

/** casesFor lists the cases Go → Go carries over `codec`, in run order. */
export function casesFor(codec: MatrixCodec): readonly MatrixCase[] {
  return matrixCases.filter((c) => c.excluded[codec] === undefined);
}

/** excludedFor lists the cases Go → Go cannot carry over `codec`, in run order. */
export function excludedFor(codec: MatrixCodec): readonly MatrixCase[] {
  return matrixCases.filter((c) => c.excluded[codec] !== undefined);
}

/** MatrixMethods are the full method names of one case on a service. */
export interface MatrixMethods {
  readonly echo: string;
  readonly get: string;
  readonly check: string;
}

/** caseMethods names the Echo, Get and Check methods of case `name` on `service`. */
export function caseMethods(name: string, service = 'Matrix'): MatrixMethods {
  return { echo: `${service}.Echo${name}`, get: `${service}.Get${name}`, check: `${service}.Check${name}` };
}

/** failMethod names the always-failing method on `service`. */
export function failMethod(service = 'Matrix'): string {
  return `${service}.Fail`;
}
