/**
 * The Go model of the Go programs the interop tests run, checked against
 * the debug page of those programs running (Go's own list of every method
 * it registered, with argument and reply types as reflect prints them),
 * and of a package in a Go module, whose gob names a real program checks.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoModel } from '../../src/gen/go-model.js';
import { readGoModel } from '../../src/gen/run-go-model.js';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { buildGoProgram, goProgramsDir, requireGo } from '../interop/go-toolchain.js';
import { debugMethods, fixture, runGo } from './go-fixtures.js';

const haveGo = await requireGo();
const servers: StartedServer[] = [];
const binaries = new Map<string, string>();
const models = new Map<string, GoModel>();

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

/** modelRows lists a model's methods as net/rpc's debug page prints them, by service. */
function modelRows(model: GoModel, rename: Record<string, string> = {}): string[] {
  return model.services
    .flatMap((s) => s.methods.map((m) => `${rename[s.name] ?? s.name} ${m.name}(${m.args.go}, ${m.reply.go}) error`))
    .sort();
}

async function servedRows(program: string, args: readonly string[]): Promise<string[]> {
  const server = await startListeningProgram(binaries.get(program)!, args);
  servers.push(server);
  return (await debugMethods(server.address)).map((r) => `${r.service} ${r.row}`).sort();
}

describe.skipIf(!haveGo)('Go model of real Go net/rpc programs', () => {
  // Building the model reader and the servers can take a while on a cold
  // Go cache: it happens here, under the hook timeout.
  beforeAll(async () => {
    await Promise.all(
      ['gobserver', 'matrix'].map(async (name) => {
        binaries.set(name, await buildGoProgram(name));
        models.set(name, await readGoModel(join(goProgramsDir, name)));
      }),
    );
  });

  it('lists the services, methods and types the gobserver program registers', async () => {
    const model = models.get('gobserver')!;
    const rows = await servedRows('gobserver', []);
    expect(rows.length).toBeGreaterThan(10);
    expect(modelRows(model)).toEqual(rows);
    expect(model.rpcRegistrations.map((r) => [r.function, r.name, r.error])).toEqual([
      ['rpc.Register', 'Arith', undefined],
      ['rpc.Register', 'Echo', undefined],
      ['rpc.Register', 'Kinds', undefined],
    ]);
  });

  it('lists the methods of the matrix program, every type the interop matrix sends', async () => {
    const model = models.get('matrix')!;
    const rows = await servedRows('matrix', ['serve', '-transport', 'http', '-codec', 'gob', '-service', 'Grid']);
    expect(rows.length).toBeGreaterThan(5);
    expect(modelRows(model, { Matrix: 'Grid' })).toEqual(rows);
    expect(model.rpcRegistrations).toMatchObject([{ function: '(*rpc.Server).RegisterName', service: 'main.Matrix', note: 'the name is known only at run time' }]);
  });

  it('reads every interop Go program', async () => {
    const programs = readdirSync(goProgramsDir, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const p of programs) {
      const model = await readGoModel(join(goProgramsDir, p.name));
      expect(model.package.name, p.name).toBe('main');
      for (const id of Object.keys(model.types)) expect(model.types[id]!.id, p.name).toBe(id);
    }
  });

  it('reads a package in a Go module, with its import path and the names gob gives its types', async () => {
    const model = await readGoModel(fixture('modpkg'));
    expect(model.package).toMatchObject({ name: 'modpkg', importPath: 'example.com/modpkg', importPathFrom: 'module' });
    const move = model.services[0]!.methods[0]!;
    expect(move).toMatchObject({ name: 'Move', args: { kind: 'named', id: 'example.com/modpkg/wire.Point' } });
    expect(model.types['example.com/modpkg/wire.Point']).toMatchObject({ package: 'example.com/modpkg/wire', packageName: 'wire', go: 'wire.Point' });
    const names = model.gobRegistrations.map((r) => r.name!);
    // gob.Register names a pointer type by its String, package name and all.
    expect(names).toEqual(['example.com/modpkg/wire.Point', '*modpkg.Local']);
    const verdicts = (await runGo(fixture('modpkg'), './cmd/gobnames', names, true))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { panic: string });
    expect(verdicts.map((v) => v.panic)).toEqual(['', '']);
  });

  it('names a package read in GOPATH mode outside any GOPATH as the go command does, or as told', async () => {
    const dir = join(fixture('modpkg'), 'wire');
    const env = { ...process.env, GO111MODULE: 'off' };
    const model = await readGoModel(dir, { env });
    const { stdout } = await promisify(execFile)('go', ['list', '-f', '{{.ImportPath}}', '.'], { cwd: dir, env: { ...env, GOPATH: join(dir, 'no-such-gopath') } });
    expect(model.package).toMatchObject({ importPath: stdout.trim(), importPathFrom: 'local' });
    const flagged = await readGoModel(dir, { env, importPath: 'example.org/other/wire' });
    expect(flagged.package).toMatchObject({ importPath: 'example.org/other/wire', importPathFrom: 'flag' });
    expect(flagged.types).toEqual({});
  });
});
