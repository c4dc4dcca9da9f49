import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '../support/tls-certs.js';
import type { TestPki } from '../support/tls-certs.js';
import { startCli } from './cli-process.js';
import type { CliRun } from './cli-process.js';
import { rpcCall as runRpcCall } from '../support/rpc-call-cli.js';
import type { CliResult } from '../support/rpc-call-cli.js';

let pki: TestPki;
let serve: CliRun;
let port: string;
let tokenFile: string;

/** rpcCall runs rpc-call with RPC_TOKEN cleared, unless `env` sets it. */
const rpcCall = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runRpcCall(args, { env: { RPC_TOKEN: '', ...env } });

beforeAll(async () => {
  pki = await makeTestPki();
  tokenFile = join(pki.dir, 'token');
  writeFileSync(tokenFile, 'tok-123\n');
  serve = startCli('rpc-serve', ['--port', '0', '--token-file', tokenFile, '--tls-cert', pki.files.serverCert, '--tls-key', pki.files.serverKey]);
  [, port] = (await serve.waitForOutput(/listening on https:\/\/127\.0\.0\.1:(\d+) \(CONNECT \/_goRPC_; bearer token required/)) as unknown as [string, string];
});
afterAll(() => {
  serve.child.kill('SIGKILL');
});

describe('rpc-serve and rpc-call with a token over TLS', () => {
  it('calls with the token from a file and the CA', async () => {
    const r = await rpcCall(['--token-file', tokenFile, '--tls-ca', pki.files.caCert, `https://localhost:${port}`, 'Arith.Multiply', '{"A":6,"B":7}']);
    expect(r).toEqual({ code: 0, stdout: '42\n', stderr: '' });
  });

  it('takes the token from RPC_TOKEN', async () => {
    const r = await rpcCall(['--tls-ca', pki.files.caCert, `https://localhost:${port}`, 'Echo.Upper', '"ok"'], { RPC_TOKEN: 'tok-123' });
    expect(r).toMatchObject({ code: 0, stdout: '"OK"\n' });
  });

  it('is refused without the token (exit 3, 401)', async () => {
    const r = await rpcCall(['--tls-ca', pki.files.caCert, `https://localhost:${port}`, 'Arith.Add', '{"A":1,"B":1}']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/401/);
  });

  it('is refused with a certificate it does not trust (exit 3)', async () => {
    const r = await rpcCall(['--token-file', tokenFile, `https://localhost:${port}`, 'Arith.Add', '{"A":1,"B":1}']);
    expect(r.code).toBe(3);
  });

  it('lists methods only with the token', async () => {
    const ok = await rpcCall(['--token-file', tokenFile, '--tls-ca', pki.files.caCert, `https://localhost:${port}`, '--list']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Arith.Multiply(');
    const refused = await rpcCall(['--tls-ca', pki.files.caCert, `https://localhost:${port}`, '--list']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/401/);
  });

  it('rpc-serve rejects half a TLS configuration', async () => {
    const bad = startCli('rpc-serve', ['--port', '0', '--tls-cert', pki.files.serverCert]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/--tls-cert and --tls-key go together/);
  });
});
