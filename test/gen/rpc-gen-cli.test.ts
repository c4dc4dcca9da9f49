/**
 * The rpc-gen command: help and version, a module written from a Go
 * package with the skipped methods on stderr, what it says without Go,
 * and the reverse (`--go`): Go declarations for netrpc contracts, built
 * with `go build` into a Go client that calls a netrpc server.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { implement } from '../../src/contract/contract.js';
import { Server } from '../../src/server/server.js';
import { packageVersion } from '../../src/cli/version.js';
import { requireGo } from '../interop/go-toolchain.js';
import { fixture, goTestEnv } from './go-fixtures.js';
import { repoRoot } from './generated-module.js';
import { Shop } from './contracts/shop-contract.js';

const run = promisify(execFile);
const haveGo = await requireGo();

interface GenRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** rpcGen runs bin/rpc-gen.ts (through tsx) and resolves with its exit code and output. */
async function rpcGen(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<GenRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin/rpc-gen.ts'), ...args], { cwd: repoRoot, env, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('rpc-gen', () => {
  it('prints its usage and version', async () => {
    const help = await rpcGen(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rpc-gen \[options\] GO_PACKAGE_DIR\n/);
    expect(help.stdout).toContain('Needs Go 1.19 or later on PATH');
    const version = await rpcGen(['--version']);
    expect(version.stdout).toBe(`rpc-gen ${packageVersion()} (node ${process.version})\n`);
    const bad = await rpcGen(['--nme', 'A=B', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("rpc-gen: unknown option --nme (did you mean --name?)\nRun 'rpc-gen --help' for usage.\n");
  }, 60_000);

  it('says what it needs when Go is missing', async () => {
    const r = await rpcGen([fixture('rules')], { ...process.env, PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rpc-gen needs Go 1\.19\+ on PATH to read Go source: install golang-go/);
  }, 60_000);

  it.skipIf(!haveGo)('writes --out, names services with --name, and lists the methods net/rpc skips on stderr', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'netrpc-gen-cli-')), 'rules.ts');
    const r = await rpcGen([fixture('rules'), '--out', out, '--name', 'Rules=Checker']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('rpc-gen: Rules.NoArgs not generated: rpc.Register: method "NoArgs" has 2 input parameters; needs exactly three\n');
    expect(r.stderr).toContain('rpc-gen: Rules.ValueReply not generated: rpc.Register: reply type of method "ValueReply" is not a pointer: "main.Reply"\n');
    const source = readFileSync(out, 'utf8');
    expect(source).toContain("export const Checker = defineService('Checker', {");
    expect(source).not.toMatch(/^  NoArgs: \{/m);
    expect(source).toContain(' * - NoArgs: rpc.Register: method "NoArgs" has 2 input parameters; needs exactly three\n');
    const missing = await rpcGen([fixture('rules'), '--name', 'Nope=X']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^rpc-gen: --name Nope=X: the package has no service type Nope \(services: .*Rules/);
  }, 240_000);

  it.skipIf(!haveGo)('--go writes Go declarations that go build compiles into a client of a netrpc server', async () => {
    const r = await rpcGen(['--go', 'test/gen/contracts/shop-contract.ts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('func (t *Shop) Quote(args QuoteArgs, reply *ShopQuoteReply) error {');
    expect(r.stdout).toContain('gob.RegisterName("main.Money", *new(Money))');

    const dir = mkdtempSync(join(tmpdir(), 'netrpc-gen-go-'));
    mkdirSync(join(dir, 'shopclient'));
    writeFileSync(join(dir, 'shopclient', 'types.go'), r.stdout);
    writeFileSync(
      join(dir, 'shopclient', 'main.go'),
      `package main

import (
	"encoding/json"
	"fmt"
	"net/rpc"
	"os"
	"time"
)

func main() {
	c, err := rpc.DialHTTP("tcp", os.Args[1])
	if err != nil {
		panic(err)
	}
	coupon := "SAVE"
	args := QuoteArgs{Sku: "pen", Count: 3, Tags: []string{"a"}, Notes: map[string]int{"n": 1}, Coupon: &coupon,
		At: time.Unix(1700000000, 0).UTC(), Blob: []byte{1, 2}, Extra: Money{Cents: 5, Currency: "EUR"}}
	var reply ShopQuoteReply
	if err := c.Call("Shop.Quote", args, &reply); err != nil {
		panic(err)
	}
	var n int64
	if err := c.Call("Shop.Count", "pen", &n); err != nil {
		panic(err)
	}
	out, _ := json.Marshal(reply)
	fmt.Println(string(out), n)
}
`,
    );
    const gofmt = await run('gofmt', ['-l', '.'], { cwd: join(dir, 'shopclient') });
    expect(gofmt.stdout).toBe('');
    const env = goTestEnv();
    await run('go', ['build', '-o', join(dir, 'shopclient.bin'), '.'], { cwd: join(dir, 'shopclient'), env });

    const server = new Server();
    server.register(
      implement(Shop, {
        Quote: (a) => {
          const extra = a.Extra as { type: string; value: { Cents: bigint } };
          const each = { Cents: 100n + extra.value.Cents, Currency: 'EUR' };
          const seen = `${a.Sku} ${a.Count} ${a.Tags?.join()} ${(a.Notes as Record<string, number> | null)?.n} ${a.Coupon} ${a.At.toISOString()} ${[...(a.Blob ?? [])].join()} ${extra.type}`;
          return { Total: { Cents: each.Cents * BigInt(a.Count), Currency: seen }, Lines: [{ Sku: a.Sku, Each: each }], Ratio: 0.5 };
        },
        Count: (sku) => BigInt(sku.length) * 2n ** 40n,
      }),
    );
    const { port } = await server.listen({ port: 0 });
    try {
      const { stdout } = await run(join(dir, 'shopclient.bin'), [`127.0.0.1:${port}`], { timeout: 30_000 });
      expect(stdout).toBe(
        `{"Total":{"Cents":315,"Currency":"pen 3 a 1 SAVE 2023-11-14T22:13:20.000Z 1,2 main.Money"},"Lines":[{"Sku":"pen","Each":{"Cents":105,"Currency":"EUR"}}],"Ratio":0.5} ${3n * 2n ** 40n}\n`,
      );
    } finally {
      await server.close();
    }
  }, 240_000);
});
