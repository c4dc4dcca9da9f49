/**
 * The text rpc-gen writes: the same bytes as the golden files (and on
 * every run), type-checked by tsc under strict with nodenext and bundler
 * resolution, together with a consumer whose types the contracts decide.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { goProgramsDir, requireGo } from '../interop/go-toolchain.js';
import { fixture } from './go-fixtures.js';
import { generateFrom, repoRoot, typecheck } from './generated-module.js';

const haveGo = await requireGo();
const golden = (name: string): string => readFileSync(join(repoRoot, 'test/gen/golden', `${name}.ts.golden`), 'utf8');

/** A module using the generated contracts: what it may and may not do is decided by their types. */
const consumer = `import { createServiceProxy, dialHTTP, GoTime } from 'netrpc';
import { Arith, Echo, Kinds, Node } from './gobserver.js';
import type { Args, Quotient, Zeros } from './gobserver.js';

export async function use(address: string): Promise<void> {
  const client = await dialHTTP(address, { codec: 'gob' });
  const arith = createServiceProxy(client, Arith, { validateReplies: true });
  const product: number = await arith.Multiply({ A: 7, B: 8 });
  const q: Quotient = await arith.Divide({ A: 7, B: 2 } satisfies Args);
  // @ts-expect-error A is a Go int: a number, not a string
  await arith.Multiply({ A: '7', B: 8 });
  const kinds = createServiceProxy(client, Kinds);
  const u = await kinds.Uints({ U32: 1, U64: 2n });
  const big: bigint = u.U64;
  // @ts-expect-error U64 is a Go uint64: a bigint
  await kinds.Uints({ U32: 1, U64: 2 });
  const list = await kinds.List({ Val: 1, Next: { Val: 2, Next: null } });
  const next: number | undefined = list.Next?.Val;
  const zeros: Zeros = await kinds.Zeros(0);
  const bytes: Uint8Array | null = zeros.Bs;
  const echo = createServiceProxy(client, Echo);
  const t: GoTime = await echo.Time(new Date(0));
  Node.parse({ Val: 1 });
  console.log(product, q.Quo, big, next, bytes, t);
}
`;

describe.skipIf(!haveGo)('rpc-gen output', () => {
  let gobserver: string;
  let shapes: string;
  let matrix: string;
  beforeAll(async () => {
    gobserver = (await generateFrom(`${goProgramsDir}gobserver`)).source;
    shapes = (await generateFrom(fixture('shapes'))).source;
    matrix = (await generateFrom(`${goProgramsDir}matrix`)).source;
  }, 240_000);

  it('is the golden text, byte for byte, and the same on every run', async () => {
    expect(gobserver).toBe(golden('gobserver'));
    expect(shapes).toBe(golden('shapes'));
    expect((await generateFrom(`${goProgramsDir}gobserver`)).source).toBe(gobserver);
  }, 120_000);

  it('imports only zod and netrpc, and starts with the Go "generated" line', () => {
    for (const source of [gobserver, shapes, matrix]) {
      expect([...source.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['zod', 'netrpc']);
      expect(source.split('\n')[0]).toMatch(/^\/\/ Code generated .* DO NOT EDIT\.$/);
    }
  });

  it.each(['nodenext', 'bundler'] as const)('type-checks under strict with %s resolution, and types its callers', async (resolution) => {
    // broken.ts breaks a contract's types: its error, and only its, shows the checks are real.
    const broken = consumer.replace("// @ts-expect-error A is a Go int: a number, not a string\n", '');
    const result = await typecheck({ 'gobserver.ts': gobserver, 'shapes.ts': shapes, 'matrix.ts': matrix, 'consumer.ts': consumer, 'broken.ts': broken }, resolution);
    const errors = result.output.split('\n').filter((l) => /error TS/.test(l));
    expect(errors.map((l) => l.replace(/^.*\/(\w+\.ts)/, '$1')), result.output).toEqual([expect.stringMatching(/^broken\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/)]);
  }, 240_000);
});
