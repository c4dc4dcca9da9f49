/**
 * Interop: Go's stock net/rpc client (rpc.DialHTTP, so gob) against a
 * netrpc Server, in-process and as the `rpc-serve` CLI process.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoType } from '../../src/codec/go-type.js';
import { demoServices } from '../../src/demo/services.js';
import { Server } from '../../src/server/server.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { f64, int, outerT, str } from './go-types.js';

/** Line is one JSON line printed by the gobclient program. */
interface Line {
  readonly name: string;
  readonly reply: unknown;
  readonly error?: string;
}

const haveGo = await requireGo();
const children = new Set<ChildProcess>();

/** runGoClient runs gobclient against `address` and returns its lines by name. */
function runGoClient(bin: string, address: string, mode: 'full' | 'demo'): Promise<Map<string, Line>> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, [address, mode], { timeout: 15_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      children.delete(child);
      if (err) {
        reject(new Error(`gobclient failed: ${err.message}\nstderr: ${stderr}\nstdout: ${stdout}`));
        return;
      }
      const lines = new Map<string, Line>();
      for (const text of stdout.split('\n')) {
        if (text === '') continue;
        const line = JSON.parse(text) as Line;
        lines.set(line.name, line);
      }
      resolve(lines);
    });
    children.add(child);
  });
}


/** seen describes how a value arrived in JavaScript: its typeof and its text. */
function seen(v: unknown): string {
  return `${typeof v}:${String(v)}`;
}

interface InnerV {
  S: string;
  N: number;
}
interface MidV {
  Label: string;
  Inner: InnerV | null;
}
interface OuterV {
  Name: string;
  Mid: MidV | null;
  Nil: MidV | null;
}
interface NodeV {
  Val: number;
  Next: NodeV | null;
}

/** Kinds is the test service whose replies need declared Go kinds. */
const kinds = {
  Uints(a: { U32: number; U64: number | bigint }) {
    return { U32: a.U32, U64: a.U64, Seen: `${seen(a.U32)} ${seen(a.U64)}` };
  },
  Ints(a: { I64: number | bigint }) {
    return { I64: a.I64, Seen: seen(a.I64) };
  },
  Floats(a: { F: number }) {
    return { F: a.F, Half: a.F / 2, Double: a.F * 2, Seen: seen(a.F) };
  },
  StrMap(m: Record<string, number>) {
    return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v * 2]));
  },
  IntMap(m: Map<number | bigint, string>) {
    if (!(m instanceof Map)) throw new Error(`IntMap wants a Map, got ${typeof m}`);
    return new Map([...m].map(([k, v]) => [k, v.toUpperCase()]));
  },
  Nest(o: OuterV) {
    const inner = o.Mid?.Inner;
    return { Name: `${o.Name}!`, Mid: o.Mid && { Label: `${o.Mid.Label}!`, Inner: inner && { S: `${inner.S}!`, N: inner.N + 1 } }, Nil: o.Nil };
  },
  List(n: NodeV | null) {
    const double = (x: NodeV | null): NodeV | null => (x === null ? null : { Val: x.Val * 2, Next: double(x.Next) });
    return double(n);
  },
};

const kindsTypes = {
  Uints: {
    reply: {
      kind: 'struct',
      fields: [
        { name: 'U32', type: { kind: 'uint', bits: 32 } },
        { name: 'U64', type: { kind: 'uint' } },
        { name: 'Seen', type: str },
      ],
    },
  },
  Ints: { reply: { kind: 'struct', fields: [{ name: 'I64', type: int }, { name: 'Seen', type: str }] } },
  Floats: {
    reply: {
      kind: 'struct',
      fields: [
        { name: 'F', type: f64 },
        { name: 'Half', type: f64 },
        { name: 'Double', type: f64 },
        { name: 'Seen', type: str },
      ],
    },
  },
  StrMap: { reply: { kind: 'map', key: str, elem: int } },
  Nest: { args: outerT, reply: outerT },
} satisfies Record<string, { args?: GoType; reply?: GoType }>;

describe.skipIf(!haveGo)('Go net/rpc client (gob) → netrpc Server', () => {
  let server: Server;
  let lines: Map<string, Line>;

  beforeAll(async () => {
    const bin = await buildGoProgram('gobclient');
    server = new Server();
    for (const service of demoServices()) server.register(service);
    server.register('Kinds', kinds, { types: kindsTypes });
    const addr = await server.listen({ port: 0 });
    lines = await runGoClient(bin, `127.0.0.1:${addr.port}`, 'full');
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await server?.close();
  });

  function line(name: string): Line {
    const l = lines.get(name);
    if (l === undefined) throw new Error(`gobclient printed no line ${name}; got ${[...lines.keys()].join(', ')}`);
    return l;
  }
  function ok(name: string): unknown {
    const l = line(name);
    expect(l.error, name).toBeUndefined();
    return l.reply;
  }

  it('runs to the end', () => {
    expect(lines.has('done')).toBe(true);
  });

  it('answers value and pointer arguments', () => {
    expect(ok('multiply')).toBe(56);
    expect(ok('add-pointer-args')).toBe(7);
    expect(ok('after-errors')).toBe(42);
  });

  it('sends struct replies whose zero fields Go fills in', () => {
    expect(ok('divide')).toEqual({ Quo: -3, Rem: -1 });
    expect(ok('divide-exact')).toEqual({ Quo: 2, Rem: 0 });
    expect(ok('divide-zero-result')).toEqual({ Quo: 0, Rem: 0 });
  });

  it('delivers handler and lookup errors as rpc.ServerError', () => {
    expect(line('divide-by-zero').error).toBe('divide by zero');
    expect(line('fail').error).toBe('failed: boom');
    expect(line('unknown-service').error).toBe("rpc: can't find service Nope.Method");
    expect(line('unknown-method').error).toBe("rpc: can't find method Arith.Nope");
    expect(line('ill-formed').error).toBe('rpc: service/method request ill-formed: NoDot');
    expect(line('error-again').error).toBe('failed: again');
    expect(ok('after-error')).toBe(42);
  });

  it('echoes strings, slices, bool, time.Time and a 3 MiB []byte', () => {
    expect(ok('upper')).toBe('HÉLLO, WÖRLD');
    expect(ok('bytes-3mib')).toEqual({ len: 3 << 20, equal: true });
    expect(ok('echo-strings')).toEqual(['a', '', 'ü']);
    expect(ok('echo-ints')).toEqual([1, -2, 0, 2 ** 40]);
    expect(ok('echo-bool')).toBe(true);
    expect(ok('echo-time')).toEqual({ equal: true, got: '2024-02-29T23:59:58.123Z' });
    // Regression: Go names a top-level *time.Time '' on the wire; it must still decode as a Date.
    expect(ok('echo-time-pointer')).toEqual({ equal: true, got: '2024-02-29T23:59:58.123Z' });
  });

  it('decodes and encodes uint32 and uint64 extremes', () => {
    expect(ok('uints-zero')).toEqual({ U32: '0', U64: '0', Seen: 'number:0 number:0' });
    expect(ok('uints-max')).toEqual({ U32: '4294967295', U64: '18446744073709551615', Seen: 'number:4294967295 bigint:18446744073709551615' });
    expect(ok('uints-mid')).toEqual({ U32: '2147483648', U64: '9007199254740993', Seen: 'number:2147483648 bigint:9007199254740993' });
  });

  it('decodes and encodes int64 extremes and negatives', () => {
    expect(ok('int64-min')).toEqual({ I64: '-9223372036854775808', Seen: 'bigint:-9223372036854775808' });
    expect(ok('int64-max')).toEqual({ I64: '9223372036854775807', Seen: 'bigint:9223372036854775807' });
    expect(ok('int64-neg')).toEqual({ I64: '-42', Seen: 'number:-42' });
    expect(ok('int64-neg-big')).toEqual({ I64: '-1152921504606846976', Seen: 'bigint:-1152921504606846976' });
  });

  it('keeps float64 values floats, integral ones included', () => {
    expect(ok('float-frac')).toEqual({ F: '2.5', Half: '1.25', Double: '5', Seen: 'number:2.5' });
    expect(ok('float-integral')).toEqual({ F: '2', Half: '1', Double: '4', Seen: 'number:2' });
    expect(ok('float-neg-tiny')).toEqual({ F: '-1e-300', Half: '-5e-301', Double: '-2e-300', Seen: 'number:-1e-300' });
    expect(ok('float-big')).toEqual({ F: '1e+300', Half: '5e+299', Double: '2e+300', Seen: 'number:1e+300' });
    expect(ok('float-zero')).toEqual({ F: '0', Half: '0', Double: '0', Seen: 'number:0' });
  });

  it('handles map[string]int and map[int]string', () => {
    expect(ok('map-string-int')).toEqual({ a: 2, b: -4, zero: 0 });
    expect(ok('map-int-string')).toEqual(['-2=MINUS TWO', '1=ONE', '1152921504606846976=BIG']);
  });

  it('handles nested pointers and a recursive pointer type', () => {
    expect(ok('nested-pointers')).toEqual({ Name: 'o!', Label: 'm!', S: 'i!', N: 42, NilIsNil: true });
    expect(ok('linked-list')).toEqual([2, 4, 6]);
  });

  it('answers a fast call while a slow one on the same client is running', () => {
    expect(ok('fast-during-slow')).toEqual({ reply: 2, slowDone: false });
    expect(ok('slow')).toBe(2000);
  });

  it('answers 500 parallel calls on one client', () => {
    expect(ok('parallel-500')).toEqual({ bad: [] });
  });
});

const cli = fileURLToPath(new URL('../../dist/bin/rpc-serve.js', import.meta.url));

/** startCli spawns `rpc-serve --port 0` and resolves with its address once it prints it. */
function startCli(): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`rpc-serve did not report its address; stdout ${out} stderr ${err}`)), 10_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /rpc-serve: listening on ([\d.]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, address: `${m[1]}:${m[2]}` });
      }
    });
    child.once('exit', (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`rpc-serve exited with ${code}; stderr ${err}`));
    });
  });
}

describe.skipIf(!haveGo)('Go net/rpc client (gob) → rpc-serve CLI', () => {
  let lines: Map<string, Line>;

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does it)`);
    const [bin, { address }] = await Promise.all([buildGoProgram('gobclient'), startCli()]);
    lines = await runGoClient(bin, address, 'demo');
  }, 60_000);

  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('answers the demo services', () => {
    const get = (name: string): Line | undefined => lines.get(name);
    expect(get('done')).toBeDefined();
    expect(get('multiply')).toEqual({ name: 'multiply', reply: 56 });
    expect(get('add-pointer-args')).toEqual({ name: 'add-pointer-args', reply: 7 });
    expect(get('divide')).toEqual({ name: 'divide', reply: { Quo: -3, Rem: -1 } });
    expect(get('divide-exact')).toEqual({ name: 'divide-exact', reply: { Quo: 2, Rem: 0 } });
    expect(get('divide-zero-result')).toEqual({ name: 'divide-zero-result', reply: { Quo: 0, Rem: 0 } });
    expect(get('divide-by-zero')?.error).toBe('divide by zero');
    expect(get('upper')).toEqual({ name: 'upper', reply: 'HÉLLO, WÖRLD' });
    expect(get('fail')?.error).toBe('failed: boom');
    expect(get('unknown-service')?.error).toBe("rpc: can't find service Nope.Method");
    expect(get('unknown-method')?.error).toBe("rpc: can't find method Arith.Nope");
    expect(get('ill-formed')?.error).toBe('rpc: service/method request ill-formed: NoDot');
    expect(get('after-errors')).toEqual({ name: 'after-errors', reply: 42 });
  });
});
