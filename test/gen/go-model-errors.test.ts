/**
 * How reading a Go package fails: syntax and type errors with Go's own
 * file:line:column messages, no Go (or too old a Go) on the machine, a
 * folder that is not a Go package, a package without services, and model
 * output this version cannot read.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { parseGoFailure, parseGoModel } from '../../src/gen/check-go-model.js';
import { GoSourceError } from '../../src/gen/go-source-error.js';
import { loadGoModel, readGoModel } from '../../src/gen/run-go-model.js';
import { requireGo } from '../interop/go-toolchain.js';
import { fixture, goTestEnv } from './go-fixtures.js';

const haveGo = await requireGo();

/** failureOf resolves to the GoSourceError a read rejects with. */
async function failureOf(read: Promise<unknown>): Promise<GoSourceError> {
  const err = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GoSourceError);
  expect((err as GoSourceError).code).toBe(ErrorCode.InvalidArgument);
  return err as GoSourceError;
}

/** fakeGo writes an executable `go` that prints `go version <release> linux/amd64`. */
function fakeGo(release: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-fake-go-'));
  const file = join(dir, 'go');
  writeFileSync(file, `#!/bin/sh\necho "go version ${release} linux/amd64"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('Go model: reading fails with a clear typed error', () => {
  it('says how to install Go when there is none', async () => {
    const err = await failureOf(readGoModel(fixture('rules'), { goCommand: join(tmpdir(), 'no-such-dir', 'go') }));
    expect(err.failure).toBe('go-missing');
    expect(err.message).toMatch(/needs Go 1\.19\+ .*apt-get install -y golang-go/);
    const onPath = await failureOf(readGoModel(fixture('rules'), { env: { ...process.env, PATH: join(tmpdir(), 'no-such-dir') } }));
    expect(onPath.failure).toBe('go-missing');
    expect(onPath.message).toMatch(/on PATH/);
  });

  it('refuses a Go older than 1.19, naming the release found', async () => {
    const err = await failureOf(readGoModel(fixture('rules'), { goCommand: fakeGo('go1.17.13') }));
    expect(err.failure).toBe('go-too-old');
    expect(err.message).toMatch(/is go1\.17\.13/);
  });

  it('refuses a path that is not a folder', async () => {
    const err = await failureOf(readGoModel(join(fixture('rules'), 'rules.go')));
    expect(err.failure).toBe('load');
  });

  it('rejects model output that does not fit the types, naming the place', () => {
    expect(() => parseGoModel('not json')).toThrow(GoSourceError);
    const wrongVersion = (() => {
      try {
        parseGoModel('{"version": 2}');
      } catch (e) {
        return e as GoSourceError;
      }
      return undefined;
    })();
    expect(wrongVersion?.failure).toBe('bad-output');
    expect(wrongVersion?.message).toMatch(/model\.version: want 1, got 2/);
    const dangling = {
      version: 1,
      package: { name: 'p', importPath: 'p', importPathFrom: 'flag', files: [] },
      services: [],
      unregistrable: [],
      rpcRegistrations: [],
      gobRegistrations: [],
      types: { 'p.T': { id: 'p.T', name: 'T', package: 'p', packageName: 'p', go: 'p.T', underlying: { kind: 'pointer', go: '*p.U', elem: { kind: 'named', go: 'p.U', id: 'p.U' } } } },
    };
    expect(() => parseGoModel(JSON.stringify(dangling))).toThrow(/no type p\.U in the table/);
    expect(parseGoFailure('{"failure": {"kind": "weird", "problems": []}}')).toBeUndefined();
  });
});

describe.skipIf(!haveGo)('Go model: packages that cannot be read', () => {
  it('reports syntax errors with Go\'s file:line:column', async () => {
    const err = await failureOf(readGoModel(fixture('broken')));
    expect(err.failure).toBe('parse');
    expect(err.problems).toEqual([{ position: 'bad.go:5:1', message: "expected operand, found '}'" }]);
    expect(err.message).toContain(`${join(fixture('broken'), 'bad.go')}:5:1: expected operand, found '}'`);
  });

  it('reports type errors with Go\'s file:line:column', async () => {
    const err = await failureOf(readGoModel(fixture('illtyped')));
    expect(err.failure).toBe('type');
    expect(err.problems).toEqual([{ position: 'main.go:6:23', message: 'undeclared name: Operands' }]);
    expect(err.message).toMatch(/does not compile:\n.*illtyped\/main\.go:6:23: undeclared name: Operands$/);
  });

  it('stops after ten type errors, as the Go compiler does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netrpc-many-errors-'));
    const lines = Array.from({ length: 15 }, (_, i) => `var v${i} int = "s"`);
    writeFileSync(join(dir, 'main.go'), `package main\n\n${lines.join('\n')}\n\nfunc main() {}\n`);
    const err = await failureOf(readGoModel(dir));
    expect(err.problems).toHaveLength(11);
    expect(err.problems[10]).toEqual({ message: 'too many errors' });
    // The compiler reports the same ten places.
    const built = await promisify(execFile)('go', ['build', '-o', join(dir, 'out'), '.'], { cwd: dir, env: goTestEnv() }).then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    );
    const compiler = [...built.matchAll(/^\.\/(main\.go:\d+:\d+): (.*)$/gm)].map((m) => ({ position: m[1], message: m[2] }));
    expect(compiler.map((c) => c.message)).toContain('too many errors');
    expect(err.problems.slice(0, 10).map((p) => p.position)).toEqual(compiler.slice(0, 10).map((c) => c.position));
  });

  it('says when a folder holds no Go files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netrpc-no-go-'));
    mkdirSync(join(dir, 'sub'));
    const err = await failureOf(readGoModel(dir));
    expect(err.failure).toBe('load');
    expect(err.message).toMatch(/no Go files/);
  });

  it('loadGoModel refuses a package without services, naming the types Register would refuse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netrpc-no-services-'));
    writeFileSync(
      join(dir, 'main.go'),
      'package main\n\ntype Args struct{ A int }\n\ntype arith int\n\nfunc (a *arith) Add(x Args, r *int) error { return nil }\n\nfunc main() {}\n',
    );
    const model = await readGoModel(dir);
    expect(model.services).toEqual([]);
    const err = await failureOf(loadGoModel(dir));
    expect(err.failure).toBe('no-services');
    expect(err.message).toContain('rpc.Register: type arith is not exported');
  });
});
