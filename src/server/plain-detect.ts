/**
 * First-byte detection for the one port that serves HTTP (CONNECT, GET)
 * and plain-TCP RPC peers. The rules, in order, on the bytes received so far:
 * 1. Second byte 0xff after a first byte 0x01–0x7f, or a first byte
 *    0xf8–0xff: gob. A gob stream starts with a message length (a gob
 *    uint: one byte below 0x80, or 0xff–0xf8 giving the count of length
 *    bytes that follow) and then the first message's type id, a gob int
 *    that takes `ff` and a byte from 64 up (-65, the definition of the
 *    first user type, is `ff 81`); Go's rpc.Dial sends
 *    `2f ff 81 03 01 01 07 "Request"`. 0xff never occurs in UTF-8 text or
 *    an HTTP method, so this cannot take an HTTP or JSON peer.
 * 2. 0x93, 0x94, 0xdc or 0xdd first (a msgpack array of 3 or 4 elements,
 *    array 16, array 32): msgpack-rpc.
 * 3. `{`, after JSON whitespace holding at most one line end: Go's
 *    jsonrpc (`{"method":...`).
 * 4. Anything else is read as HTTP (a method token and a space; what is
 *    not HTTP is answered 400 by the HTTP path). Whitespace with two line
 *    ends is an empty HTTP head, so HTTP.
 * Two bytes decide every case but leading whitespace, which is skipped
 * (up to `maxBytes`). A peer whose first bytes fit another rule than its
 * codec (a gob stream whose first type id fits one byte, JSON with a
 * byte-order mark) needs a listener pinned to its codec.
 */

/** PlainCodecName is a codec a plain-TCP peer can be detected speaking. */
export type PlainCodecName = 'gob' | 'json' | 'msgpack';

/** FirstBytesVerdict is what the first bytes say: wait for more, HTTP, or a plain codec. */
export type FirstBytesVerdict = { readonly kind: 'more' } | { readonly kind: 'http' } | { readonly kind: 'plain'; readonly codec: PlainCodecName };

const MORE = { kind: 'more' } as const;
const HTTP = { kind: 'http' } as const;

const MSGPACK_ARRAY_HEADS = new Set([0x93, 0x94, 0xdc, 0xdd]);

function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function plain(codec: PlainCodecName): FirstBytesVerdict {
  return { kind: 'plain', codec };
}

/**
 * classifyFirstBytes applies the rules above to the first bytes of a
 * socket. It answers `more` while they cannot decide yet; past
 * `maxBytes` of leading whitespace it answers `http`.
 */
export function classifyFirstBytes(first: Uint8Array, maxBytes: number): FirstBytesVerdict {
  if (first.length === 0) return MORE;
  const b0 = first[0]!;
  if (b0 >= 0xf8) return plain('gob');
  if (MSGPACK_ARRAY_HEADS.has(b0)) return plain('msgpack');
  if (b0 >= 0x80) return HTTP;
  if (first.length < 2) return MORE;
  if (first[1] === 0xff && b0 !== 0) return plain('gob');
  let i = 0;
  let lineEnds = 0;
  for (; i < first.length && isJsonSpace(first[i]!); i++) {
    if (first[i] === 0x0a && ++lineEnds === 2) return HTTP;
  }
  if (i === first.length) return i >= maxBytes ? HTTP : MORE;
  return first[i] === 0x7b ? plain('json') : HTTP;
}
