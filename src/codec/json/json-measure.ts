import { ErrorCode, ProtocolError } from '../../errors.js';
import type { Measure } from '../codec.js';
import { DEFAULT_MAX_MESSAGE_VALUES } from '../limits.js';
import type { ValueCount } from '../limits.js';
import { LONG_DIGITS } from './json-lossless.js';

/**
 * JsonScan is what measureJson leaves about the last complete message:
 * its value count and whether it has a digit run long enough that an
 * integer in it may be beyond 2^53 (the decoder then parses losslessly).
 */
export interface JsonScan extends ValueCount {
  longDigits?: boolean;
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c, COLON = 0x3a;
const ZERO = 0x30, NINE = 0x39;

/** isJsonWhitespace reports whether a byte is JSON whitespace, which may stand between messages. */
export function isJsonWhitespace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB;
}

/**
 * measureJson returns a Measure that finds where one JSON object ends in a
 * stream of JSON objects (Go's json.Encoder writes one per line, but line
 * breaks are not relied on). It tracks brackets outside strings on a stack
 * of their kinds (no recursion), so a closing bracket of the wrong kind is a
 * ProtocolError at once and nesting deeper than `maxDepth` is rejected.
 * Whitespace before the object belongs to the frame. A message that does
 * not start with `{` is a protocol error: JSON-RPC messages are objects.
 * Full syntax is checked later by JSON.parse on exactly the measured bytes.
 *
 * Every value but the first follows a `,`, a `:` or the bracket of a
 * non-empty array or object, so counting those counts the values the
 * message decodes to (map keys included): a message of more than
 * `maxValues` is refused with RPC_MESSAGE_TOO_LARGE as soon as that many
 * are buffered, and the count of a complete message is left in `count`,
 * with `longDigits` set when it has a run of 16 or more digits outside its
 * strings (a JSON integer JSON.parse may round).
 */
export function measureJson(maxDepth: number, maxValues = DEFAULT_MAX_MESSAGE_VALUES, count?: JsonScan): Measure {
  /** The open brackets (OPEN_BRACE or OPEN_BRACKET), outermost first. */
  const open = new Uint8Array(maxDepth + 1);
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
    let values = 1;
    let inString = false;
    let opened = false; // a bracket was just opened: its first element, if any, is a value
    let digits = 0;
    let longDigits = false;
    // Strings are skipped with indexOf (native, much faster than a byte loop
    // on base64 payloads); the next backslash is looked up again only once
    // passed, so the searches stay linear in the message.
    let nextBackslash = -1;
    for (; pos < end; pos++) {
      if (inString) {
        const quote = buf.indexOf(QUOTE, pos);
        if (quote < 0 || quote >= end) break;
        if (nextBackslash < pos) {
          nextBackslash = buf.indexOf(BACKSLASH, pos);
          if (nextBackslash < 0 || nextBackslash > end) nextBackslash = end;
        }
        if (nextBackslash < quote) {
          pos = nextBackslash + 1; // the escaped byte is skipped by the loop's pos++
        } else {
          pos = quote;
          inString = false;
        }
        continue;
      }
      const c = buf[pos]!;
      if (opened) {
        if (c === SPACE || c === LF || c === CR || c === TAB) continue;
        opened = false;
        if (c !== CLOSE_BRACE && c !== CLOSE_BRACKET && ++values > maxValues) throw tooManyValues(maxValues);
      }
      if (c >= ZERO && c <= NINE) {
        if (++digits >= LONG_DIGITS) longDigits = true;
        continue;
      }
      digits = 0;
      if (c === QUOTE) {
        inString = true;
      } else if (c === COMMA || c === COLON) {
        if (++values > maxValues) throw tooManyValues(maxValues);
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth >= maxDepth) {
          throw new ProtocolError(`rpc: json: nesting deeper than ${maxDepth}`, ErrorCode.NestingTooDeep);
        }
        open[depth++] = c;
        opened = true;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const want = open[--depth] === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        if (c !== want) {
          throw new ProtocolError(`rpc: json: '${String.fromCharCode(c)}' at offset ${pos - start} cannot close '${String.fromCharCode(open[depth]!)}'`);
        }
        if (depth === 0) {
          if (count !== undefined) {
            count.values = values;
            count.longDigits = longDigits;
          }
          return pos + 1 - start;
        }
      }
    }
    return -(end - start + depth);
  };
}

function tooManyValues(limit: number): ProtocolError {
  return new ProtocolError(`rpc: json: message of more than ${limit} values exceeds the limit`, ErrorCode.MessageTooLarge);
}
