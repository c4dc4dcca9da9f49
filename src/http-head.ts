/**
 * HTTP/1.x head parsing, shared by the server front and the client dial.
 * Both sides accept bare LF as well as CRLF line ends, because Go's net/rpc
 * writes bare LF (`CONNECT /_goRPC_ HTTP/1.0\n\n` and
 * `HTTP/1.0 200 Connected to Go RPC\n\n`), which Node's HTTP parser rejects.
 */

const LF = 0x0a;
const CR = 0x0d;

/** DEFAULT_MAX_HEAD_BYTES is the largest HTTP head either side reads by default: 16 KiB. */
export const DEFAULT_MAX_HEAD_BYTES = 16 * 1024;

/**
 * findHeadEnd returns the offset just past the blank line that ends an HTTP
 * head in `buf[0, end)`, or -1 if the head is not complete yet. The blank
 * line may be `\n\n`, `\r\n\r\n` or any mix.
 */
export function findHeadEnd(buf: Uint8Array, end = buf.length): number {
  let i = buf.indexOf(LF);
  while (i !== -1 && i < end) {
    const next = i + 1;
    if (next < end && buf[next] === LF) return next + 1;
    if (next + 1 < end && buf[next] === CR && buf[next + 1] === LF) return next + 2;
    i = buf.indexOf(LF, next);
  }
  return -1;
}

/** HeadParseError is thrown for a head that is not valid HTTP/1.x. */
export class HeadParseError extends Error {}

/** RequestHead is a parsed HTTP request head. Header names are lower-cased. */
export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** StatusHead is a parsed HTTP response head. Header names are lower-cased. */
export interface StatusHead {
  readonly version: string;
  readonly statusCode: number;
  /** The status line without the version: `200 Connected to Go RPC`. */
  readonly status: string;
  /** The whole first line. */
  readonly statusLine: string;
  readonly headers: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VERSION = /^HTTP\/1\.[01]$/;

function splitLines(head: string): string[] {
  const lines = head.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HeadParseError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}

/**
 * parseRequestHead parses the bytes of a request head (request line and
 * headers, up to and including the blank line). Throws HeadParseError.
 */
export function parseRequestHead(bytes: Uint8Array): RequestHead {
  const lines = splitLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  const requestLine = lines[0] ?? '';
  const parts = requestLine.split(' ');
  if (parts.length !== 3 || !TOKEN.test(parts[0]!) || parts[1] === '' || !VERSION.test(parts[2]!)) {
    throw new HeadParseError(`malformed request line ${JSON.stringify(requestLine.slice(0, 80))}`);
  }
  return { method: parts[0]!, target: parts[1]!, version: parts[2]!, headers: parseHeaders(lines.slice(1)) };
}

/**
 * parseStatusHead parses the bytes of a response head. Throws
 * HeadParseError when the first line is not an HTTP/1.x status line.
 */
export function parseStatusHead(bytes: Uint8Array): StatusHead {
  const lines = splitLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  const statusLine = lines[0] ?? '';
  const m = /^(HTTP\/1\.[01]) ([0-9]{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new HeadParseError(`malformed status line ${JSON.stringify(statusLine.slice(0, 80))}`);
  const statusCode = Number(m[2]);
  return {
    version: m[1]!,
    statusCode,
    status: m[3] === undefined ? m[2]! : `${m[2]} ${m[3]}`,
    statusLine,
    headers: parseHeaders(lines.slice(1)),
  };
}

/** requestPath returns the path of a request target, without query or fragment. */
export function requestPath(target: string): string {
  const q = target.search(/[?#]/);
  return q === -1 ? target : target.slice(0, q);
}

/** HeadScan is what {@link HeadBuffer.push} found so far. */
export type HeadScan =
  | { readonly state: 'partial' }
  | { readonly state: 'tooLarge' }
  /** `head` runs up to and including the blank line; `rest` are the bytes after it. */
  | { readonly state: 'complete'; readonly head: Buffer; readonly rest: Buffer };

const PARTIAL: HeadScan = { state: 'partial' };
const TOO_LARGE: HeadScan = { state: 'tooLarge' };

/**
 * HeadBuffer collects the chunks of an HTTP head until its blank line,
 * scanning only the new bytes of each chunk (plus the three before them,
 * where a blank line may have begun) and never further than `maxHeadBytes`
 * plus a blank line: a head that has not ended by then is `tooLarge`,
 * however the peer splits it. It keeps the chunks it was given, so bytes
 * after the head are returned unchanged.
 */
export class HeadBuffer {
  private readonly maxHeadBytes: number;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(maxHeadBytes: number) {
    this.maxHeadBytes = maxHeadBytes;
  }

  /** byteLength is the number of bytes pushed so far. */
  get byteLength(): number {
    return this.size;
  }

  /** push adds a chunk and reports whether the head is complete, still partial, or too large. */
  push(chunk: Buffer): HeadScan {
    const scanFrom = Math.max(0, this.size - 3);
    this.chunks.push(chunk);
    this.size += chunk.length;
    const buf = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.size);
    this.chunks = [buf];
    const max = this.maxHeadBytes;
    const end = findHeadEnd(buf.subarray(scanFrom, Math.min(buf.length, max + 4)));
    if (end === -1) return this.size >= max + 4 ? TOO_LARGE : PARTIAL;
    const headEnd = scanFrom + end;
    if (headEnd > max + 4) return TOO_LARGE;
    return { state: 'complete', head: buf.subarray(0, headEnd), rest: buf.subarray(headEnd) };
  }
}
