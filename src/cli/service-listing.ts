import http from 'node:http';
import https from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { ErrorCode, RpcError } from '../errors.js';
import type { ServerReport } from '../server/server-stats.js';

/** ListedMethod is one method as a listing shows it. */
export interface ListedMethod {
  readonly service: string;
  readonly method: string;
  readonly args?: string;
  readonly reply?: string;
  readonly calls?: number;
}

/** ListingTarget says where the debug page is and how to reach it. */
export interface ListingTarget {
  readonly host: string;
  readonly port: number;
  readonly debugPath: string;
  readonly timeoutMs: number;
  /** Use https with these TLS options. */
  readonly tls?: ConnectionOptions;
  /** Extra request headers (for example Authorization). */
  readonly headers?: Readonly<Record<string, string>>;
}

function get(target: ListingTarget, path: string): Promise<{ status: number; type: string; body: string }> {
  const { host, port, timeoutMs } = target;
  const headers = { ...target.headers, Accept: 'application/json' };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        if (body.length > 8 * 1024 * 1024) req.destroy(new Error('debug page larger than 8 MiB'));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    };
    const req = target.tls
      ? https.get({ ...target.tls, host, port, path, headers, timeout: timeoutMs }, onResponse)
      : http.get({ host, port, path, headers, timeout: timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new RpcError(ErrorCode.Connect, `rpc: cannot read the debug page: ${err.message}`, { cause: err })));
  });
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&#34;': '"', '&quot;': '"', '&#39;': "'" };

function unescapeHtml(s: string): string {
  return s.replace(/&(?:lt|gt|amp|quot|#34|#39);/g, (e) => ENTITIES[e] ?? e);
}

/**
 * parseGoDebugPage reads the services and methods from the HTML of Go's
 * net/rpc debug page, whose rows read `Name(ArgType, ReplyType) error`
 * under a `Service Name` heading.
 */
export function parseGoDebugPage(html: string): ListedMethod[] {
  const out: ListedMethod[] = [];
  const sections = html.split(/Service\s+/).slice(1);
  for (const section of sections) {
    const service = unescapeHtml(/^([^\s<]+)/.exec(section)?.[1] ?? '');
    const rows = section.matchAll(/<td[^>]*>\s*([A-Za-z_][\w]*)\(([^,]*),\s*([^)]*)\)\s*error\s*<\/td>\s*<td[^>]*>\s*(\d+)\s*<\/td>/g);
    for (const m of rows) {
      out.push({ service, method: m[1]!, args: unescapeHtml(m[2]!.trim()), reply: unescapeHtml(m[3]!.trim()), calls: Number(m[4]) });
    }
  }
  return out;
}

function fromReport(report: ServerReport): ListedMethod[] {
  return report.services.flatMap((s) =>
    s.methods.map((m) => ({
      service: s.name,
      method: m.name,
      ...(m.args !== undefined ? { args: m.args } : {}),
      ...(m.reply !== undefined ? { reply: m.reply } : {}),
      calls: m.calls,
    })),
  );
}

/**
 * listServices reads a server's debug page over plain HTTP: netrpc's JSON
 * form (`?format=json`), or Go's HTML page, parsed. Throws RpcError
 * (RPC_CONNECT) when the page cannot be fetched or read.
 */
export async function listServices(target: ListingTarget): Promise<ListedMethod[]> {
  const debugPath = target.debugPath;
  const res = await get(target, `${debugPath}?format=json`);
  if (res.status !== 200) {
    throw new RpcError(ErrorCode.Connect, `rpc: debug page ${debugPath} answered ${res.status}: ${res.body.trim().slice(0, 200)}`);
  }
  if (res.type.includes('json')) return fromReport(JSON.parse(res.body) as ServerReport);
  const methods = parseGoDebugPage(res.body);
  if (methods.length === 0 && !/Service/.test(res.body)) {
    throw new RpcError(ErrorCode.Connect, `rpc: ${debugPath} is not a net/rpc debug page`);
  }
  return methods;
}

/** formatListing writes one line per method: `Service.Method(args) reply`. */
export function formatListing(methods: readonly ListedMethod[]): string {
  return methods.map((m) => `${m.service}.${m.method}(${m.args ?? 'any'}) ${m.reply ?? 'any'}\n`).join('');
}
