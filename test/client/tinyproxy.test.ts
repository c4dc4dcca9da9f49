import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, HandshakeError } from '../../src/errors.js';
import type { Server } from '../../src/server/server.js';
import { freePort, startDemoServer } from '../helpers.js';
import { makeTestPki } from '../support/tls-certs.js';
import { requireTool } from '../support/require-tool.js';
import { canConnect } from '../support/ports.js';
import { waitFor } from '../support/wait-for.js';

const haveTinyproxy = await requireTool('tinyproxy', ['-v'], 'apt-get install -y tinyproxy');


/** waitForPort resolves once something accepts connections on the port. */
function waitForPort(port: number, ms = 10_000): Promise<void> {
  return waitFor(() => canConnect(`127.0.0.1:${port}`), ms, { what: `something listening on ${port}`, everyMs: 50 });
}

describe.skipIf(!haveTinyproxy)('through a real HTTP forward proxy (tinyproxy)', () => {
  let server: Server;
  let tlsServer: Server;
  let rpcPort: number;
  let tlsPort: number;
  let proxy: ChildProcess;
  let proxyUrl: string;
  let logFile: string;
  let caCert: string;

  beforeAll(async () => {
    ({ server, port: rpcPort } = await startDemoServer());
    const pki = await makeTestPki();
    caCert = pki.caCert;
    ({ server: tlsServer, port: tlsPort } = await startDemoServer({ tls: { cert: pki.serverCert, key: pki.serverKey } }));
    const dir = mkdtempSync(join(tmpdir(), 'netrpc-tinyproxy-'));
    const proxyPort = await freePort();
    logFile = join(dir, 'tinyproxy.log');
    const config = join(dir, 'tinyproxy.conf');
    writeFileSync(
      config,
      [
        `Port ${proxyPort}`,
        'Listen 127.0.0.1',
        'Timeout 60',
        'MaxClients 50',
        'Allow 127.0.0.1',
        `ConnectPort ${rpcPort}`,
        `ConnectPort ${tlsPort}`,
        `LogFile "${logFile}"`,
        'LogLevel Connect',
      ].join('\n') + '\n',
    );
    proxy = spawn('tinyproxy', ['-d', '-c', config], { stdio: 'ignore' });
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    await waitForPort(proxyPort);
  });

  afterAll(async () => {
    proxy?.kill('SIGKILL');
    await server?.close();
    await tlsServer?.close();
  });

  it.each(['msgpack', 'gob', 'json'])('tunnels CONNECT host:port, then speaks the RPC CONNECT inside it (%s)', async (codec) => {
    await using client = await dialHTTP(`127.0.0.1:${rpcPort}`, { codec, proxy: proxyUrl });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => client.call('Arith.Add', { A: i, B: 1 })));
    expect(replies[99]).toBe(100);
    expect(readFileSync(logFile, 'utf8')).toMatch(new RegExp(`CONNECT 127\\.0\\.0\\.1:${rpcPort}`));
  });

  it('runs TLS end to end inside the tunnel', async () => {
    await using client = await dialHTTP(`https://localhost:${tlsPort}`, { proxy: proxyUrl, tls: { ca: caCert } });
    expect(await client.call('Echo.Upper', 'tunnel')).toBe('TUNNEL');
  });

  it("reports the proxy's refusal of a port it does not allow", async () => {
    const closed = await freePort();
    const err = await dialHTTP(`127.0.0.1:${closed}`, { proxy: proxyUrl }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).code).toBe(ErrorCode.Handshake);
    expect((err as HandshakeError).statusCode).toBe(403);
    expect((err as HandshakeError).message).toMatch(/proxy CONNECT/);
  });

  it('reports a proxy that is not there as RPC_CONNECT', async () => {
    const nowhere = await freePort();
    const err = await dialHTTP(`127.0.0.1:${rpcPort}`, { proxy: `http://127.0.0.1:${nowhere}` }).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe(ErrorCode.Connect);
  });
});
