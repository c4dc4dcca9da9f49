import { ErrorCode, ProtocolError } from '../errors.js';
import type { Measure } from './codec.js';

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

/**
 * measureJson returns a Measure that finds where one JSON object ends in a
 * stream of JSON objects (Go's json.Encoder writes one per line, but line
 * breaks are not relied on). It counts brackets outside strings, so nesting
 * costs no stack; nesting deeper than `maxDepth` is rejected. Whitespace
 * before the object belongs to the frame. A message that does not start
 * with `{` is a protocol error: JSON-RPC messages are objects. Full syntax
 * is checked later by JSON.parse on exactly the measured bytes.
 */
export function measureJson(maxDepth: number): Measure {
  return function measure(buf: Uint8Array, start: number, end: number): number {
    let pos = start;
    while (pos < end) {
      const c = buf[pos]!;
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      pos++;
    }
    if (pos === end) return -(end - start + 1);
    if (buf[pos] !== OPEN_BRACE) {
      throw new ProtocolError(`rpc: json: expected '{' at offset ${pos - start}, found byte 0x${buf[pos]!.toString(16).padStart(2, '0')}`);
    }
    let depth = 0;
    let inString = false;
    for (; pos < end; pos++) {
      const c = buf[pos]!;
      if (inString) {
        if (c === BACKSLASH) pos++;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++depth > maxDepth) {
          throw new ProtocolError(`rpc: json: nesting deeper than ${maxDepth}`, ErrorCode.NestingTooDeep);
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return pos + 1 - start;
      }
    }
    return -(end - start + depth);
  };
}
