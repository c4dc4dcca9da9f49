/** Go's stock net/rpc clients (gob over DialHTTP, jsonrpc over CONNECT) call netrpc's built-in Health.Check. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { parseJsonLines, runProgram } from './go-process.js';

const haveGo = await requireGo();

describe.skipIf(!haveGo)("Go's net/rpc client → Health.Check", () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
    server.setServingStatus('Echo', 'NOT_SERVING');
  });
  afterAll(() => server.close());

  it.each(['gob', 'json'])('gets grpc.health.v1 statuses over %s', async (codec) => {
    const run = await runProgram(await buildGoProgram('healthclient'), [codec, address, '', 'Arith', 'Echo', 'Nope']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(parseJsonLines(run.stdout)).toEqual([
      { service: '', status: 'SERVING' },
      { service: 'Arith', status: 'SERVING' },
      { service: 'Echo', status: 'NOT_SERVING' },
      { service: 'Nope', status: 'SERVICE_UNKNOWN' },
    ]);
  });
});
