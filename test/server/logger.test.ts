/**
 * The `logger` option with a real pino logger: what the server logs about
 * connections, refusals, protocol errors and handler failures, at which level.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { rawConnect, startDemoServer } from '../helpers.js';
import { waitForValue } from '../support/wait-for.js';

interface Line {
  level: number;
  msg: string;
  lib?: string;
  [field: string]: unknown;
}

/** pinoLines is a pino logger at `level` and the JSON lines it wrote so far. */
function pinoLines(level: string): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

/** waitFor polls `find` until it yields a value, for up to `ms`; `what` names it in the timeout. */
const waitFor = <T>(what: string, find: () => T | undefined, ms = 5_000): Promise<T> => waitForValue(find, ms, { what });

const DEBUG = 20;
const INFO = 30;
const WARN = 40;

describe('server logger option (pino)', () => {
  it('logs connection lifecycle at debug, refusals at info, handler failures and protocol errors at warn', async () => {
    const { logger, lines } = pinoLines('debug');
    const { server, address, port } = await startDemoServer({ logger, handlerTimeoutMs: 100 });
    const find = (msg: RegExp): Line | undefined => lines.find((l) => msg.test(l.msg));

    const client = await dialHTTP(address, { codec: 'msgpack' });
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
    await client.call('Echo.Fail', 'boom').catch(() => undefined);
    await client.call('Echo.Sleep', 1_000).catch(() => undefined);
    await client.close();

    const opened = await waitFor('connection opened', () => find(/^rpc: connection opened$/));
    expect(opened).toMatchObject({ level: DEBUG, lib: 'netrpc', codec: 'msgpack' });
    expect(opened.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const failed = find(/^rpc: Echo\.Fail failed: failed: boom$/)!;
    expect(failed).toMatchObject({ level: WARN, serviceMethod: 'Echo.Fail', outcome: 'error' });
    expect((failed.err as { message: string }).message).toBe('failed: boom');
    expect(find(/^rpc: Echo\.Sleep timed out$/)).toMatchObject({ level: WARN, outcome: 'timeout' });
    expect(lines.some((l) => /Multiply/.test(l.msg))).toBe(false); // successful calls are not logged
    const closed = await waitFor('connection closed', () => find(/^rpc: connection closed$/));
    expect(closed).toMatchObject({ level: DEBUG, codec: 'msgpack' });
    expect(typeof closed.durationMs).toBe('number');

    // A refusal: a codec the server does not offer.
    const refused = await rawConnect(port);
    refused.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: protobuf\r\n\r\n');
    await refused.closed();
    expect(await waitFor('refusal', () => find(/^rpc: refused 415/))).toMatchObject({ level: INFO, status: 415, reason: 'unsupported_codec' });

    // A protocol error: a JSON connection that sends a bare number.
    const broken = await rawConnect(port);
    broken.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: json\r\n\r\n');
    await broken.waitFor((b) => b.includes('\n\n'));
    broken.socket.write('[1,2,3]\n');
    await broken.closed();
    const ended = await waitFor('connection ended', () => find(/^rpc: connection ended: /));
    expect(ended).toMatchObject({ level: WARN, codec: 'json', code: 'RPC_PROTOCOL' });

    expect(server.telemetry.refusalCounts().get('unsupported_codec')).toBe(1);
    await server.close();
  });

  it('writes nothing below its level, and a server without a logger builds no log lines', async () => {
    const { logger, lines } = pinoLines('info');
    const { server, address } = await startDemoServer({ logger });
    const client = await dialHTTP(address);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    await client.close();
    await server.close();
    expect(lines.filter((l) => l.level < INFO)).toEqual([]);
    expect(lines.some((l) => /connection (opened|closed)/.test(l.msg))).toBe(false);

    const plain = await startDemoServer();
    expect(plain.server.calls.active).toBe(false); // no listener: calls are only counted
    await plain.server.close();
  });
});
