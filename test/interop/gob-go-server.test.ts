/**
 * Interop: netrpc's client with the gob codec against a stock Go net/rpc
 * server (rpc.Register + rpc.HandleHTTP + http.Serve).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { GoType } from '../../src/codec/go-type.js';
import { ErrorCode, ServerError } from '../../src/errors.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { f64, int, outerT, str } from './go-types.js';

const haveGo = await requireGo();
/** Every process this file started; afterAll kills those still running. */
const children = new Set<ChildProcess>();

const uintsT: GoType = {
  kind: 'struct',
  name: 'Uints',
  fields: [
    { name: 'U32', type: { kind: 'uint', bits: 32 } },
    { name: 'U64', type: { kind: 'uint' } },
  ],
};
const intsT: GoType = { kind: 'struct', name: 'Ints', fields: [{ name: 'I64', type: int }] };
const floatsT: GoType = { kind: 'struct', name: 'Floats', fields: [{ name: 'F', type: f64 }] };
const strMapT: GoType = { kind: 'map', key: str, elem: int };

/** startGoServer runs gobserver and resolves with its address once it prints it. */
function startGoServer(bin: string): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`gobserver did not report its address; stderr ${err}`)), 10_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^listening (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, address: m[1]! });
      }
    });
    child.once('exit', (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`gobserver exited with ${code}; stderr ${err}`));
    });
  });
}

/** serverError resolves with the ServerError `p` rejects with, failing if it resolves or fails otherwise. */
async function serverError(p: Promise<unknown>): Promise<ServerError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a ServerError, got reply ${String(v)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServerError);
  expect((err as ServerError).code).toBe(ErrorCode.Server);
  return err as ServerError;
}

describe.skipIf(!haveGo)('netrpc client (gob) → Go net/rpc server', () => {
  let client!: Client;

  beforeAll(async () => {
    const bin = await buildGoProgram('gobserver');
    const started = await startGoServer(bin);
    client = await dialHTTP(started.address, { codec: 'gob' });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    for (const c of children) c.kill('SIGKILL');
  });

  it('calls with inferred int structs, value and pointer receivers', async () => {
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await client.call('Arith.Add', { A: -3, B: 10 })).toBe(7);
  });

  it('fills the zero fields Go leaves out of struct replies', async () => {
    expect(await client.call('Arith.Divide', { A: -7, B: 2 })).toEqual({ Quo: -3, Rem: -1 });
    expect(await client.call('Arith.Divide', { A: 8, B: 4 })).toEqual({ Quo: 2, Rem: 0 });
    expect(await client.call('Arith.Divide', { A: 0, B: 5 })).toEqual({ Quo: 0, Rem: 0 });
    expect(await client.call('Kinds.Zeros', 0)).toEqual({
      I: 0,
      U: 0,
      F: 0,
      S: '',
      B: false,
      Bs: new Uint8Array(0),
      Sl: [],
      M: null, // a nil map: Go leaves it out, and an empty map would be sent
      P: null,
      In: { S: '', N: 0 },
      Arr: [0, 0],
    });
  });

  it('rejects with ServerError for handler errors and unknown names, and keeps the connection', async () => {
    expect((await serverError(client.call('Arith.Divide', { A: 1, B: 0 }))).message).toBe('divide by zero');
    expect((await serverError(client.call('Echo.Fail', 'boom'))).message).toBe('failed: boom');
    expect((await serverError(client.call('Nope.Method', 1))).message).toBe("rpc: can't find service Nope.Method");
    expect((await serverError(client.call('Arith.Nope', 1))).message).toBe("rpc: can't find method Arith.Nope");
    expect((await serverError(client.call('NoDot', 1))).message).toBe('rpc: service/method request ill-formed: NoDot');
    // Arguments Go cannot decode into the method's type: an error reply, not a broken stream.
    expect((await serverError(client.call('Arith.Multiply', 'seven'))).message).toMatch(/^gob: /);
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });

  it('round-trips strings, []string, bool, time.Time and a 3 MiB []byte', async () => {
    expect(await client.call('Echo.Upper', 'héllo, wörld')).toBe('HÉLLO, WÖRLD');
    expect(await client.call('Echo.Strings', ['a', '', 'ü'])).toEqual(['a', '', 'ü']);
    expect(await client.call('Echo.Bool', false)).toBe(true);
    const when = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123));
    expect(await client.call('Echo.Time', when)).toEqual(new Date(when.getTime() + 1000));
    const big = new Uint8Array(3 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 11)) & 0xff;
    const back = await client.call<Uint8Array>('Echo.Bytes', big);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.length).toBe(big.length);
    expect(Buffer.compare(back, big)).toBe(0);
  });

  it('sends and receives uint32 and uint64 extremes (argsType)', async () => {
    expect(await client.call('Kinds.Uints', { U32: 0, U64: 0 }, { argsType: uintsT })).toEqual({ U32: 0, U64: 0, Seen: '0 0' });
    expect(await client.call('Kinds.Uints', { U32: 2 ** 32 - 1, U64: 2n ** 64n - 1n }, { argsType: uintsT })).toEqual({
      U32: 4294967295,
      U64: 18446744073709551615n,
      Seen: '4294967295 18446744073709551615',
    });
    expect(await client.call('Kinds.Uints', { U32: 2 ** 31, U64: 2 ** 53 - 1 }, { argsType: uintsT })).toEqual({
      U32: 2147483648,
      U64: 9007199254740991,
      Seen: '2147483648 9007199254740991',
    });
    // Without the declared kind a safe integer travels as int, which Go refuses for a uint field.
    expect((await serverError(client.call('Kinds.Uints', { U32: 1, U64: 1 }))).message).toMatch(/^gob: /);
  });

  it('sends and receives int64 extremes and negatives', async () => {
    expect(await client.call('Kinds.Ints', { I64: -(2n ** 63n) }, { argsType: intsT })).toEqual({ I64: -(2n ** 63n), Seen: '-9223372036854775808' });
    expect(await client.call('Kinds.Ints', { I64: 2n ** 63n - 1n }, { argsType: intsT })).toEqual({ I64: 2n ** 63n - 1n, Seen: '9223372036854775807' });
    expect(await client.call('Kinds.Ints', { I64: -42 })).toEqual({ I64: -42, Seen: '-42' });
    expect(await client.call('Kinds.Ints', { I64: -(2n ** 60n) })).toEqual({ I64: -(2n ** 60n), Seen: '-1152921504606846976' });
  });

  it('sends float64, integral values included when declared', async () => {
    expect(await client.call('Kinds.Floats', { F: 2.5 })).toEqual({ F: 2.5, Half: 1.25, Double: 5, Seen: '2.5' });
    expect(await client.call('Kinds.Floats', { F: 2 }, { argsType: floatsT })).toEqual({ F: 2, Half: 1, Double: 4, Seen: '2' });
    expect(await client.call('Kinds.Floats', { F: -1e-300 }, { argsType: floatsT })).toEqual({ F: -1e-300, Half: -5e-301, Double: -2e-300, Seen: '-1e-300' });
    expect(await client.call('Kinds.Floats', { F: 0 }, { argsType: floatsT })).toEqual({ F: 0, Half: 0, Double: 0, Seen: '0' });
    // An integral number without a declared kind is an int, which Go refuses for a float field.
    expect((await serverError(client.call('Kinds.Floats', { F: 2 }))).message).toMatch(/^gob: /);
  });

  it('sends and receives map[string]int and map[int]string', async () => {
    expect(await client.call('Kinds.StrMap', { a: 1, b: -2, zero: 0 }, { argsType: strMapT })).toEqual({ a: 2, b: -4, zero: 0 });
    expect(await client.call('Kinds.StrMap', new Map([['x', 21]]))).toEqual({ x: 42 });
    const im = await client.call('Kinds.IntMap', new Map<number | bigint, string>([[1, 'one'], [-2, 'minus two'], [2n ** 60n, 'big']]));
    expect(im).toEqual(new Map<number | bigint, string>([[1, 'ONE'], [-2, 'MINUS TWO'], [2n ** 60n, 'BIG']]));
  });

  it('sends and receives nested pointers and a recursive pointer type', async () => {
    const outer = { Name: 'o', Mid: { Label: 'm', Inner: { S: 'i', N: 41 } }, Nil: null };
    const want = { Name: 'o!', Mid: { Label: 'm!', Inner: { S: 'i!', N: 42 } }, Nil: null };
    expect(await client.call('Kinds.Nest', outer, { argsType: outerT })).toEqual(want);
    expect(await client.call('Kinds.Nest', outer)).toEqual(want);
    const list = { Val: 1, Next: { Val: 2, Next: { Val: 3, Next: null } } };
    expect(await client.call('Kinds.List', list)).toEqual({ Val: 2, Next: { Val: 4, Next: { Val: 6, Next: null } } });
  });

  it('answers a fast call while a slow one is running on the same connection', async () => {
    let slowDone = false;
    const slow = client.call('Echo.Sleep', 2000).then((v) => {
      slowDone = true;
      return v;
    });
    expect(await client.call('Arith.Add', { A: 1, B: 1 })).toBe(2);
    expect(slowDone).toBe(false);
    expect(await slow).toBe(2000);
  });

  it('answers 500 parallel calls on one connection', async () => {
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => client.call('Arith.Multiply', { A: i, B: 3 })));
    expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i * 3));
  });

  it('answers a success after an error', async () => {
    expect((await serverError(client.call('Echo.Fail', 'again'))).message).toBe('failed: again');
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });
});
