/**
 * The Go → Go reference of the value matrix: the Go client against the Go
 * server for every transport and codec. Every case must arrive exactly as
 * the program's per-codec expectations say, which proves the programs and
 * their comparison right before they are pointed at netrpc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from './go-process.js';
import { requireGo } from './go-toolchain.js';
import { caseMethods, casesFor, excludedFor, failMethod, matrixCases, matrixCodecs, matrixFailText, matrixTransports } from './matrix-cases.js';
import type { MatrixCodec, MatrixTransport } from './matrix-cases.js';
import { buildMatrix, failures, listMatrix, runMatrixClient, selfcheckMatrix, startMatrixServer } from './matrix-harness.js';

const haveGo = await requireGo();

const modes = matrixTransports.flatMap((transport) => matrixCodecs.map((codec) => ({ transport, codec })));

/** expectedCalls lists, in order, every call a full client run makes over `codec`. */
function expectedCalls(codec: MatrixCodec): string[] {
  const calls = casesFor(codec).flatMap((c) => {
    const m = caseMethods(c.name);
    return [`${c.name} ${m.echo}`, `${c.name} ${m.get}`, `${c.name} ${m.check}`];
  });
  return [...calls, `Fail ${failMethod()}`];
}

describe.skipIf(!haveGo)('Go value matrix, Go → Go', () => {
  // Built once for the file, within the hook timeout rather than a test's.
  beforeAll(() => buildMatrix());

  it("the Go program's case list is matrix-cases.ts", async () => {
    const listing = await listMatrix();
    const fromGo = listing.cases.map((c) => ({
      name: c.name,
      excluded: Object.fromEntries(Object.entries(c.excluded).map(([codec, ex]) => [codec, ex.why])),
    }));
    expect(fromGo).toEqual(matrixCases);
    expect(listing.failText).toBe(matrixFailText);
  });

  it('the comparison reports every single-spot change to every case, at its path', async () => {
    const check = await selfcheckMatrix();
    expect(check.failures).toEqual([]);
    expect(check.pairs).toBeGreaterThanOrEqual(16);
    // Every scalar, nil-ness and length of every case over both codecs.
    expect(check.mutations).toBeGreaterThan(1000);
  });

  describe.each(modes)('over $transport with $codec', ({ transport, codec }: { transport: MatrixTransport; codec: MatrixCodec }) => {
    let server: StartedServer;
    beforeAll(async () => {
      server = await startMatrixServer({ transport, codec });
    });
    afterAll(() => server?.stop());

    it('delivers every case exactly through Echo, Get and Check, and Fail keeps its text', async () => {
      const run = await runMatrixClient(server.address, { transport, codec });
      expect(failures(run)).toEqual([]);
      expect(run.results.map((r) => `${r.case} ${r.method}`)).toEqual(expectedCalls(codec));
      const total = expectedCalls(codec).length;
      expect(run.summary).toEqual({ summary: true, transport, codec, total, passed: total, failed: 0 });
      expect(run.stderr).toBe('');
    });

    it('fails, Go → Go, every case excluded for the codec, with the documented error', async () => {
      const run = await runMatrixClient(server.address, { transport, codec, excluded: true });
      expect(run.results.map((r) => r.case)).toEqual(excludedFor(codec).map((c) => c.name));
      expect(failures(run)).toEqual([]);
      expect(run.results.every((r) => r.excluded === true)).toBe(true);
    });
  });
});
