/**
 * Go → netrpc: the Go matrix client calls a netrpc server's Echo methods
 * (untyped handlers, as rpc-serve's, and a contract-typed service) and
 * compares every reply, exactly, with what a Go server gives (Go → Go).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireGo } from './go-toolchain.js';
import { casesFor, matrixCases, matrixCodecs } from './matrix-cases.js';
import type { MatrixCodec, MatrixTransport } from './matrix-cases.js';
import { buildMatrix, failures, matrixGoTypes, runMatrixClient } from './matrix-harness.js';
import { startNetrpcMatrix } from './matrix-netrpc.js';
import type { MatrixGoTypes, MatrixServer } from './matrix-netrpc.js';

const haveGo = await requireGo();

/** The transports netrpc's server is run over in this file: HTTP CONNECT and plain TCP on the same port. */
const transports: readonly MatrixTransport[] = ['http', 'tcp'];
const kinds = ['untyped', 'typed'] as const;
const order = (name: string): number => matrixCases.findIndex((c) => c.name === name);

type Kind = (typeof kinds)[number];

/**
 * The cases netrpc does not give back exactly, with why; every other case
 * must arrive as Go → Go delivers it, and these must fail (so a fix shows).
 */
function knownBreaks(kind: Kind, codec: MatrixCodec): Record<string, string> {
  const breaks: Record<string, string> = {};
  if (codec === 'gob') breaks.InvalidUTF8 = 'a JS string cannot hold invalid UTF-8: gob strings decode with U+FFFD';
  if (kind === 'typed') {
    const why = 'Go int/uint at ±2^63 declared go.int()/go.uint(): refused, naming the field and suggesting int64';
    breaks.Ints = why;
    breaks.KeyedMaps = why;
    if (codec === 'json') breaks.Embedded = 'encoding/json flattens embedded structs; the declared GoType has them as fields';
  }
  return breaks;
}

const modes = transports.flatMap((transport) => matrixCodecs.flatMap((codec) => kinds.map((kind) => ({ transport, codec, kind }))));

describe.skipIf(!haveGo)('Go value matrix, Go client → netrpc server', () => {
  let types: MatrixGoTypes;
  const servers = new Map<string, MatrixServer>();
  beforeAll(async () => {
    await buildMatrix();
    types = await matrixGoTypes();
    for (const kind of kinds) servers.set(kind, await startNetrpcMatrix(kind, types));
  });
  afterAll(async () => {
    for (const s of servers.values()) await s.server.close();
  });

  it.each(modes)('$kind Echo over $transport/$codec gives back every case as Go → Go does', async ({ transport, codec, kind }: { transport: MatrixTransport; codec: MatrixCodec; kind: Kind }) => {
    const run = await runMatrixClient(servers.get(kind)!.address, { transport, codec, methods: ['echo', 'fail'] });
    const known = knownBreaks(kind, codec);
    expect(failures(run).map((r) => r.case)).toEqual(Object.keys(known).sort((a, b) => order(a) - order(b)));
    expect(run.results.map((r) => r.method)).toEqual([...casesFor(codec).map((c) => `Matrix.Echo${c.name}`), 'Matrix.Fail']);
    if (kind === 'typed') {
      for (const name of ['Ints', 'KeyedMaps']) {
        expect(run.results.find((r) => r.case === name)!.detail).toMatch(/^server error: rpc: invalid args for Matrix\.Echo\w+: \w+: -?\d+ is beyond .* declare the field u?int64/);
      }
    }
  });
});
