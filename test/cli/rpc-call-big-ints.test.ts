/**
 * rpc-call keeps every digit of 64-bit integers, both ways, for every
 * codec: the real rpc-call process sends values near the limits of Go's
 * int64 and uint64 to real Go servers (net/rpc gob, net/rpc/jsonrpc and a
 * msgpack-rpc one), whose methods reply with the value they decoded and Go's
 * own decimal rendering of it ("Seen"). JavaScript numbers would round all
 * of these (2^53 + 1 prints as 9007199254740992).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';
import { rpcCall } from '../support/rpc-call-cli.js';

const haveGo = await requireGo();

const INT64S = ['-9223372036854775808', '9223372036854775807', '-9007199254740993'];
/** uint64 values at or above 2^63, which no int64 holds (an argument's integer type is inferred from its value). */
const UINT64S = ['18446744073709551615', '12345678901234567890', '9223372036854775808'];

interface Target {
  readonly codec: 'gob' | 'json' | 'msgpack';
  readonly program: string;
  /** What the server's Seen text is for a uint64 value. */
  readonly seenUint: (v: string) => string;
}

const targets: Target[] = [
  { codec: 'gob', program: 'gobserver', seenUint: (v) => `0 ${v}` }, // gobserver's Uints also has a U32 field
  { codec: 'json', program: 'jsonserver', seenUint: (v) => v },
  { codec: 'msgpack', program: 'msgpackserver', seenUint: (v) => v },
];

describe.skipIf(!haveGo)('rpc-call with integers beyond 2^53', () => {
  const servers = new Map<string, StartedServer>();
  beforeAll(async () => {
    await Promise.all(
      targets.map(async (t) => servers.set(t.program, await startListeningProgram(await buildGoProgram(t.program)))),
    );
  }, 120_000);
  afterAll(async () => {
    for (const s of servers.values()) await s.stop();
  });

  describe.each(targets)('$codec', (target) => {
    it.each(INT64S)('sends and prints int64 %s exactly', async (v) => {
      const { code, stdout, stderr } = await rpcCall(['--codec', target.codec, servers.get(target.program)!.address, 'Kinds.Ints', `{"I64":${v}}`]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`"I64": ${v},`);
      expect(stdout).toContain(`"Seen": "${v}"`);
    });

    it.each(UINT64S)('sends and prints uint64 %s exactly', async (v) => {
      const { code, stdout, stderr } = await rpcCall(['--codec', target.codec, servers.get(target.program)!.address, 'Kinds.Uints', `{"U64":${v}}`]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`"U64": ${v},`);
      expect(stdout).toContain(`"Seen": "${target.seenUint(v)}"`);
    });
  });
});
