import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import { ErrorCode, ServerError } from '../../src/errors.js';
import { chooseDebugFormat, createDebugRoute, debugRoute } from '../../src/server/debug-page.js';
import { escapeHtml, formatLatency, formatUptime, renderDebugHtml } from '../../src/server/debug-html.js';
import type { Server } from '../../src/server/server.js';
import type { ServerReport } from '../../src/server/server-stats.js';
import { rawConnect, startDemoServer } from '../helpers.js';

/** cell returns the `data-value` (or, failing that, the text) of one method's cell in the HTML page. */
function cell(html: string, method: string, field: string): string | undefined {
  const row = new RegExp(`<tr data-method="${method.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">([\\s\\S]*?)</tr>`).exec(html);
  if (!row) return undefined;
  const td = new RegExp(`<td[^>]*data-field="${field}"([^>]*)>([\\s\\S]*?)</td>`).exec(row[1]!);
  if (!td) return undefined;
  const value = /data-value="([^"]*)"/.exec(td[1]!);
  return value ? value[1] : td[2];
}

/** withoutUptime drops what changes between two reports taken moments apart: uptime, and the history's bucket ends (kept: its totals). */
function withoutUptime(r: ServerReport): object {
  const { uptimeMs: _, history, ...rest } = r;
  const sum = (xs: readonly number[] | undefined): number => (xs ?? []).reduce((a, b) => a + b, 0);
  return { ...rest, historyCalls: sum(history?.calls), historyErrors: sum(history?.errors) };
}

describe('debug page', () => {
  let server: Server;
  let port: number;
  let address: string;
  let client: Client;
  let base: string;

  beforeAll(async () => {
    ({ server, port, address } = await startDemoServer());
    server.register('Plain', { Ping: () => 'pong' }); // no declared types
    server.addHttpRoute(debugRoute(server));
    base = `http://127.0.0.1:${port}`;
    client = await dialHTTP(address);
    for (let i = 1; i <= 3; i++) expect(await client.call('Arith.Multiply', { A: i, B: 7 })).toBe(7 * i);
    for (const msg of ['a', 'b']) {
      const err: unknown = await client.call('Echo.Fail', msg).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).code).toBe(ErrorCode.Server);
    }
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('serves exactly server.report() as JSON with ?format=json', async () => {
    const res = await fetch(`${base}/debug/rpc?format=json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const json = (await res.json()) as ServerReport;
    expect(withoutUptime(json)).toEqual(withoutUptime(server.report()));
    expect(Object.keys(json).sort()).toEqual(['connections', 'history', 'services', 'startedAt', 'uptimeMs']);
    expect(json.connections).toBe(1);
    const methods = json.services.flatMap((s) => s.methods);
    expect(json.history!.calls.reduce((a, b) => a + b, 0)).toBe(methods.reduce((n, m) => n + m.calls, 0));
    expect(json.history!.errors.reduce((a, b) => a + b, 0)).toBe(methods.reduce((n, m) => n + m.errors, 0));
    expect(json.history!.calls).toHaveLength(60);
    expect(json.history!.bucketMs).toBe(5000);
    expect(json.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(new Date(json.startedAt).toISOString()).toBe(json.startedAt);
    expect(json.services.map((s) => s.name)).toEqual(['Arith', 'Echo', 'Plain']);

    const arith = json.services[0]!;
    expect(arith.methods.map((m) => m.name)).toEqual(['Add', 'Divide', 'Multiply']);
    const multiply = arith.methods.find((m) => m.name === 'Multiply')!;
    for (const key of ['name', 'calls', 'errors', 'meanMs', 'p99Ms', 'samples']) expect(multiply).toHaveProperty(key);
    for (const key of ['args', 'reply'] as const) if (key in multiply) expect(typeof multiply[key]).toBe('string');
    expect(json.services[2]!.methods).toEqual([{ name: 'Ping', calls: 0, errors: 0, meanMs: 0, p99Ms: 0, samples: 0 }]);
    expect(multiply).toMatchObject({ calls: 3, errors: 0, samples: 3 });
    expect(multiply.p99Ms).toBeGreaterThanOrEqual(multiply.meanMs);
    const fail = json.services[1]!.methods.find((m) => m.name === 'Fail')!;
    expect(fail).toMatchObject({ calls: 2, errors: 2, samples: 2 });
    const add = arith.methods.find((m) => m.name === 'Add')!;
    expect(add).toMatchObject({ name: 'Add', calls: 0, errors: 0, meanMs: 0, p99Ms: 0, samples: 0 });
  });

  it('serves JSON for Accept: application/json, HTML for browsers and wildcards', async () => {
    const json = await fetch(`${base}/debug/rpc`, { headers: { Accept: 'application/json' } });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(json.headers.get('vary')).toBe('Accept');
    expect(withoutUptime((await json.json()) as ServerReport)).toEqual(withoutUptime(server.report()));

    const browser = await fetch(`${base}/debug/rpc`, {
      headers: { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(browser.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await browser.arrayBuffer();
    const wildcard = await fetch(`${base}/debug/rpc`, { headers: { Accept: '*/*' } });
    expect(wildcard.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await wildcard.arrayBuffer();
    const forced = await fetch(`${base}/debug/rpc?format=html`, { headers: { Accept: 'application/json' } });
    expect(forced.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await forced.arrayBuffer();
  });

  it('shows services, methods, types, counts and connections in the HTML page', async () => {
    const res = await fetch(`${base}/debug/rpc`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<section data-service="Arith">');
    expect(html).toContain('<section data-service="Echo">');
    expect(cell(html, 'Arith.Multiply', 'calls')).toBe('3');
    expect(cell(html, 'Arith.Multiply', 'errors')).toBe('0');
    expect(cell(html, 'Echo.Fail', 'calls')).toBe('2');
    expect(cell(html, 'Echo.Fail', 'errors')).toBe('2');
    expect(cell(html, 'Arith.Add', 'calls')).toBe('0');
    expect(cell(html, 'Echo.Sleep', 'name')).toBe('Sleep');
    expect(cell(html, 'Plain.Ping', 'args')).toBe('<span class="undeclared">not declared</span>');
    expect(cell(html, 'Plain.Ping', 'reply')).toBe('<span class="undeclared">not declared</span>');
    const multiply = server.report().services[0]!.methods.find((m) => m.name === 'Multiply')!;
    for (const key of ['args', 'reply'] as const) {
      const expected = multiply[key] === undefined ? 'not declared' : `<code>${escapeHtml(multiply[key])}</code>`;
      expect(cell(html, 'Arith.Multiply', key)).toContain(expected);
    }
    expect(Number(cell(html, 'Arith.Multiply', 'meanMs'))).toBeGreaterThanOrEqual(0);
    expect(html).toMatch(/data-field="connections" data-value="1"/);
    expect(html).toMatch(/data-field="calls" data-value="5"/);
    expect(html).toMatch(/data-field="errors" data-value="2"/);
    // Self-contained: no scripts, no external assets.
    expect(html).not.toMatch(/<script|<link|\ssrc=|@import|url\(/i);
  });

  it('answers HEAD with the headers and no body', async () => {
    const get = await fetch(`${base}/debug/rpc`);
    const length = Number(get.headers.get('content-length'));
    await get.arrayBuffer();
    const res = await fetch(`${base}/debug/rpc`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(1000);
    expect(Math.abs(Number(res.headers.get('content-length')) - length)).toBeLessThan(16); // uptime text may differ
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers other methods with 405 and Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await fetch(`${base}/debug/rpc`, { method, ...(method === 'POST' ? { body: 'x'.repeat(10_000) } : {}) });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(res.headers.get('cache-control')).toBe('no-store');
      await res.arrayBuffer();
    }
  });

  it('rejects an unknown format with 400 and leaves other paths to the 405 answer', async () => {
    const bad = await fetch(`${base}/debug/rpc?format=xml`);
    expect(bad.status).toBe(400);
    await bad.arrayBuffer();
    for (const path of ['/debug/rpc/', '/debug/rpcx', '/debug']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(405);
      expect(await res.text()).toBe('405 must CONNECT\n');
    }
  });

  it("answers a bare-LF GET (Go's line ends) on a raw socket", async () => {
    const c = await rawConnect(port);
    c.socket.write('GET /debug/rpc HTTP/1.0\n\n');
    const got = (await c.closed()).toString('utf8');
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got).toMatch(/\r\nCache-Control: no-store\r\n/i);
    expect(got).toContain('<tr data-method="Arith.Multiply">');
    expect(got).toMatch(/<\/html>\n$/);
  });

  it('counts connections as they open and close', async () => {
    const second = await dialHTTP(address, { codec: 'json' });
    const two = (await (await fetch(`${base}/debug/rpc?format=json`)).json()) as ServerReport;
    expect(two.connections).toBe(2);
    await second.close();
    const deadline = Date.now() + 5000;
    let now = 2;
    while (Date.now() < deadline) {
      now = ((await (await fetch(`${base}/debug/rpc?format=json`)).json()) as ServerReport).connections;
      if (now === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(now).toBe(1);
  });
});

describe('debug page escaping and options', () => {
  const hostileService = '</td><script>alert("svc")</script>';
  const hostileMethod = '<img src=x onerror=alert(1)>';
  let server: Server;
  let port: number;

  beforeAll(async () => {
    ({ server, port } = await startDemoServer({ debugPath: '/ops/rpc' }));
    server.register(
      hostileService,
      { [hostileMethod]: () => 1, Typed: () => ({}) },
      {
        types: {
          [hostileMethod]: { reply: { kind: 'slice', name: '<style>*{display:none}</style>', elem: { kind: 'int' } } },
          Typed: {
            args: { kind: 'struct', fields: [{ name: 'A', type: { kind: 'int' } }, { name: 'B"\'&', type: { kind: 'string' } }] },
            reply: { kind: 'map', key: { kind: 'string' }, elem: { kind: 'float' } },
          },
        },
      },
    );
    server.addHttpRoute(debugRoute(server));
  });
  afterAll(() => server?.close());

  it('escapes every user-provided string in the HTML', async () => {
    const html = await (await fetch(`http://127.0.0.1:${port}/ops/rpc`)).text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html.match(/<style>/g)).toHaveLength(1); // only the page's own
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;svc&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;style&gt;*{display:none}&lt;/style&gt;');
    expect(html).toContain('<code>struct { A int; B&quot;&#39;&amp; string }</code>');
    expect(html).toContain('<code>map[string]float64</code>');
    const method = escapeHtml(`${hostileService}.${hostileMethod}`);
    expect(html).toContain(`<tr data-method="${method}">`);
    expect(cell(html, method, 'args')).toContain('not declared');
  });

  it('keeps the raw strings in the JSON form', async () => {
    const json = (await (await fetch(`http://127.0.0.1:${port}/ops/rpc?format=json`)).json()) as ServerReport;
    const svc = json.services.find((s) => s.name === hostileService)!;
    expect(svc.methods.map((m) => m.name)).toEqual([hostileMethod, 'Typed'].sort());
    expect(svc.methods.find((m) => m.name === 'Typed')).toMatchObject({
      args: 'struct { A int; B"\'& string }',
      reply: 'map[string]float64',
    });
    expect(svc.methods.find((m) => m.name === hostileMethod)).not.toHaveProperty('args');
  });

  it('serves at options.debugPath only', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/debug/rpc`);
    expect(res.status).toBe(405);
    expect(await res.text()).toBe('405 must CONNECT\n');
  });
});

describe('debug page pieces', () => {
  it('chooseDebugFormat follows ?format, then Accept q-values', () => {
    const none = new URLSearchParams();
    expect(chooseDebugFormat(new URLSearchParams('format=json'), undefined)).toBe('json');
    expect(chooseDebugFormat(new URLSearchParams('format=JSON'), 'text/html')).toBe('json');
    expect(chooseDebugFormat(new URLSearchParams('format=html'), 'application/json')).toBe('html');
    expect(chooseDebugFormat(new URLSearchParams('format=yaml'), undefined)).toBeUndefined();
    expect(chooseDebugFormat(none, undefined)).toBe('html');
    expect(chooseDebugFormat(none, '*/*')).toBe('html');
    expect(chooseDebugFormat(none, 'application/json')).toBe('json');
    expect(chooseDebugFormat(none, 'application/json, text/plain, */*')).toBe('json');
    expect(chooseDebugFormat(none, 'text/html, application/json')).toBe('html');
    expect(chooseDebugFormat(none, 'text/html;q=0.5, application/json')).toBe('json');
    expect(chooseDebugFormat(none, 'application/json;q=0')).toBe('html');
    expect(chooseDebugFormat(none, 'APPLICATION/JSON; charset=utf-8')).toBe('json');
  });

  it('formats latency and uptime for people', () => {
    expect(formatLatency(0.04)).toBe('40 µs');
    expect(formatLatency(3.4159)).toBe('3.42 ms');
    expect(formatLatency(118.52)).toBe('118.5 ms');
    expect(formatLatency(2312)).toBe('2.31 s');
    expect(formatUptime(4200)).toBe('4.2 s');
    expect(formatUptime(187_000)).toBe('3m 07s');
    expect(formatUptime(5 * 3600_000 + 2 * 60_000)).toBe('5h 02m');
    expect(formatUptime(2 * 86_400_000 + 3 * 3600_000)).toBe('2d 03h');
  });

  it('renders an empty server and a route whose report fails', async () => {
    const empty: ServerReport = { startedAt: new Date(0).toISOString(), uptimeMs: 1500, connections: 0, services: [] };
    expect(renderDebugHtml(empty, '?format=json')).toContain('No services registered.');
    const route = createDebugRoute(() => {
      throw new Error('boom');
    });
    const { createServer } = await import('node:http');
    const http = createServer((req, res) => {
      if (!route(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/debug/rpc`);
    expect(res.status).toBe(500);
    expect(res.headers.get('cache-control')).toBe('no-store');
    await res.arrayBuffer();
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });
});
