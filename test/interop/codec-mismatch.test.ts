/**
 * A netrpc client dialing a stock Go rpc.HandleHTTP server (which speaks
 * only gob and does not confirm the Rpc-Codec header) with msgpack or json
 * fails its first call at once, with the advice to dial with gob or auto.
 * Call and connect timeouts are far above the test's own, so a client that
 * waits for them fails the test. Against a Go jsonrpc server (equally
 * unconfirmed) json keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { rejection } from '../helpers.js';
import { startListeningProgram } from './go-process.js';
import type { StartedServer } from './go-process.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';

const haveGo = await requireGo();
const NEVER = 600_000;

describe.skipIf(!haveGo)('wrong codec against Go servers', () => {
  let gob: StartedServer;
  let json: StartedServer;
  beforeAll(async () => {
    [gob, json] = await Promise.all([
      buildGoProgram('gobserver').then((bin) => startListeningProgram(bin)),
      buildGoProgram('jsonserver').then((bin) => startListeningProgram(bin)),
    ]);
  }, 120_000);
  afterAll(async () => {
    await gob?.stop();
    await json?.stop();
  });

  it.each(['msgpack', 'json'])('%s against rpc.HandleHTTP fails the first call at once, saying to use gob', async (codec) => {
    await using client = await dialHTTP(gob.address, { codec, connectTimeout: NEVER, timeout: NEVER });
    const err = await rejection(client.call('Arith.Multiply', { A: 7, B: 8 }));
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.ConnectionLost);
    expect(err.message).toBe(
      `rpc: connection lost: unexpected EOF (the server did not confirm codec ${codec}; a Go rpc.HandleHTTP server speaks only gob: dial with codec 'gob' (or 'auto'))`,
    );
  });

  it.each(['gob', 'auto'])('the advice works: %s against rpc.HandleHTTP', async (codec) => {
    await using client = await dialHTTP(gob.address, { codec });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
  });

  it('json against a Go jsonrpc server still works, short first request and all', async () => {
    await using client = await dialHTTP(json.address, { codec: 'json', timeout: 30_000 });
    expect(await client.call('Echo.Upper', 'a')).toBe('A');
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
  });
});
