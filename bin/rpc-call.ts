#!/usr/bin/env node
/**
 * rpc-call: call one RPC method from a shell and print the reply as JSON,
 * or list a server's methods. Argument parsing, printing and exit codes
 * only; the work is done by the library.
 */
import { readFileSync } from 'node:fs';
import { parseAddress } from '../src/client/address.js';
import { dialHTTP } from '../src/client/dial-http.js';
import { dial } from '../src/client/dial.js';
import { isPlainAddress, parsePlainAddress } from '../src/client/plain-address.js';
import { parseCommandLine, UsageError, usageText } from '../src/cli/command-line.js';
import { durationFlag } from '../src/cli/flag-values.js';
import { formatListing, listServices } from '../src/cli/service-listing.js';
import { versionLine } from '../src/cli/version.js';
import { stringifyGoJson } from '../src/codec/json/json-values.js';
import { hasLongDigits, parseJsonLossless } from '../src/codec/json/json-lossless.js';
import { ErrorCode, RpcError, ServerError } from '../src/errors.js';
import { DEFAULT_DEBUG_PATH } from '../src/connect-wire.js';

const USAGE = `Usage: rpc-call [options] HOST:PORT Service.Method ['<json args>' | -]
       rpc-call [options] HOST:PORT --list

HOST:PORT may be written https://HOST:PORT to call a server over TLS, or
tcp://HOST:PORT, tls://HOST:PORT or unix:/PATH to call over plain TCP (no
HTTP CONNECT: what Go's rpc.Dial and jsonrpc.Dial reach).

Call one method of a net/rpc server (netrpc or Go) and print the reply as
JSON. The argument is one JSON value; '-' reads it from standard input;
without it the method gets no argument. DURATION is in Go's form
(250ms, 10s, 1m30s).

Options:
  --codec NAME       auto (default), gob, json or msgpack. auto speaks msgpack
                     to a netrpc server and gob to a Go rpc.HandleHTTP server
                     (with plain TCP auto means gob, as Go's rpc.Dial)
  --plain            plain TCP to HOST:PORT, as a tcp:// address
  --path PATH        CONNECT path (default /_goRPC_)
  --header 'K: V'    extra CONNECT request header; repeatable
  --token-file FILE  send 'Authorization: Bearer <token>', the token read from
                     FILE (or from the RPC_TOKEN variable)
  --tls-ca FILE      trust this CA for an https:// server (PEM)
  --tls-cert FILE    client certificate (PEM) ...
  --tls-key FILE     ... and its private key (PEM)
  --proxy URL        tunnel through this HTTP forward proxy (CONNECT); by
                     default HTTPS_PROXY / HTTP_PROXY / NO_PROXY decide, and
                     loopback addresses are never proxied from them
  --timeout DURATION give up after this long (default 10s)
  --list             list the server's services and methods (from its debug
                     page, netrpc's or Go's) instead of calling
  --debug-path PATH  debug page path for --list (default /debug/rpc)
  --version          print the version and exit
  -h, --help         show this help

Exit codes: 0 success; 1 the server answered with an error (printed to
stderr); 2 usage error; 3 connection, handshake, timeout or protocol failure.

Examples:
  rpc-call 127.0.0.1:1234 Arith.Multiply '{"A":7,"B":8}'
  echo '"hello"' | rpc-call --codec json 127.0.0.1:1234 Echo.Upper -
  rpc-call --header 'Authorization: Bearer s3cret' 127.0.0.1:1234 Echo.Echo '[1,2]'
  rpc-call 127.0.0.1:1234 --list
  rpc-call --codec json tcp://127.0.0.1:1234 Arith.Add '{"A":1,"B":2}'
  RPC_TOKEN=s3cret rpc-call --tls-ca ca.pem https://rpc.internal:1234 Echo.Upper '"x"'
`;

const EXIT_OK = 0;
const EXIT_SERVER_ERROR = 1;
const EXIT_USAGE = 2;
const EXIT_CONNECTION = 3;

function exit(code: number, message?: string): never {
  if (message !== undefined) process.stderr.write(`${message}\n`);
  process.exit(code);
}

function usage(message: string): never {
  process.stderr.write(usageText('rpc-call', message));
  process.exit(EXIT_USAGE);
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) usage(`invalid --header ${JSON.stringify(line)}; want 'Name: value'`);
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function readArgs(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const source = text === '-' ? readFileSync(0, 'utf8') : text;
  try {
    return hasLongDigits(source) ? parseJsonLossless(source) : JSON.parse(source);
  } catch (err) {
    usage(`the argument is not valid JSON: ${(err as Error).message}`);
  }
}

function exitFor(err: unknown): never {
  if (err instanceof ServerError) exit(EXIT_SERVER_ERROR, err.message);
  if (err instanceof RpcError && (err.code === ErrorCode.InvalidArgument || err.code === ErrorCode.Encode)) usage(err.message);
  exit(EXIT_CONNECTION, `rpc-call: ${err instanceof Error ? err.message : String(err)}`);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCommandLine({
      codec: { type: 'string', default: 'auto' },
      path: { type: 'string' },
      header: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string', default: '10s' },
      list: { type: 'boolean', default: false },
      'debug-path': { type: 'string', default: DEFAULT_DEBUG_PATH },
      'token-file': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      proxy: { type: 'string' },
      plain: { type: 'boolean', default: false },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.version) {
    process.stdout.write(versionLine('rpc-call'));
    return;
  }
  let timeout: number;
  try {
    timeout = durationFlag('timeout', values.timeout);
  } catch (err) {
    usage((err as UsageError).message);
  }
  const [address, method, argText, ...extra] = positionals;
  if (address === undefined) usage('missing HOST:PORT');
  const plain = values.plain || isPlainAddress(address);
  let endpoint;
  try {
    if (plain) {
      const target = parsePlainAddress(address);
      if (target.kind === 'unix') {
        if (values.list) usage('--list reads the HTTP debug page: give HOST:PORT');
        endpoint = undefined;
      } else endpoint = target.tls ? { ...target.endpoint, secure: true } : target.endpoint;
    } else endpoint = parseAddress(address);
  } catch (err) {
    usage((err as Error).message);
  }
  if (plain && (values.path !== undefined || values.header.length > 0 || values['token-file'] !== undefined)) {
    usage('--path, --header and --token-file need HTTP CONNECT; plain TCP sends no headers');
  }

  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) usage('--tls-cert and --tls-key go together');
  const headers = parseHeaders(values.header);
  let token: string | undefined;
  let tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined;
  try {
    token = values['token-file'] !== undefined ? readFileSync(values['token-file'], 'utf8').trim() : process.env.RPC_TOKEN || undefined;
    if (values['tls-ca'] || values['tls-cert']) {
      tls = {
        ...(values['tls-ca'] ? { ca: readFileSync(values['tls-ca']) } : {}),
        ...(values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : {}),
      };
    }
  } catch (err) {
    usage((err as Error).message);
  }

  if (values.list) {
    if (method !== undefined) usage('--list takes only HOST:PORT');
    if (!endpoint) usage('--list reads the HTTP debug page: give HOST:PORT');
    try {
      const listing = await listServices({
        host: endpoint.host,
        port: endpoint.port,
        debugPath: values['debug-path'],
        timeoutMs: timeout,
        headers: token ? { ...headers, Authorization: `Bearer ${token}` } : headers,
        ...(tls || endpoint.secure ? { tls: tls ?? {} } : {}),
      });
      process.stdout.write(formatListing(listing));
    } catch (err) {
      exitFor(err);
    }
    return;
  }
  if (method === undefined) usage('missing Service.Method');
  if (extra.length > 0) usage(`unexpected arguments after the JSON argument: ${extra.join(' ')}`);
  if (!['auto', 'gob', 'json', 'msgpack'].includes(values.codec)) usage(`unknown --codec ${values.codec}; want auto, gob, json or msgpack`);
  const args = readArgs(argText);
  let reply: unknown;
  try {
    const client = plain
      ? await dial(isPlainAddress(address) ? address : `tcp://${address}`, {
          codec: values.codec === 'auto' ? 'gob' : values.codec,
          connectTimeout: timeout,
          ...(tls ? { tls } : {}),
          ...(values.proxy !== undefined ? { proxy: values.proxy } : {}),
        })
      : await dialHTTP(address, {
          codec: values.codec,
          path: values.path,
          headers,
          connectTimeout: timeout,
          ...(token ? { token } : {}),
          ...(tls ? { tls } : {}),
          ...(values.proxy !== undefined ? { proxy: values.proxy } : {}),
        });
    try {
      reply = await client.call(method, args, { timeout });
    } finally {
      await client.close();
    }
  } catch (err) {
    exitFor(err);
  }
  process.stdout.write(`${stringifyGoJson(reply === undefined ? null : reply, 2)}\n`);
  process.exitCode = EXIT_OK;
}

void main();
