import { ErrorCode, ProtocolError } from '../../errors.js';
import type { Measure } from '../codec.js';
import { DEFAULT_MAX_MESSAGE_VALUES } from '../limits.js';
import type { ValueCount } from '../limits.js';

/** TIMESTAMP is the msgpack extension type -1, the only one msgpack-rpc peers share. */
const TIMESTAMP = 0xff;

/**
 * measureMsgpack returns a Measure that finds where one msgpack value ends,
 * without decoding it. It walks the bytes iteratively with an explicit
 * stack of "values left" counts (no recursion), so nesting is bounded by
 * `maxDepth`, and it reports the least number of bytes a container can still
 * need (one per announced element), so a header claiming 2^32 elements is
 * rejected by the size limit at once instead of being waited for.
 *
 * It agrees with the decoder on every byte: the only extension accepted is
 * the timestamp (type -1, which decodes to a Date whatever its length); any
 * other extension type (msgpackr's records, references, sets, errors, ...)
 * is a ProtocolError as soon as the extension is buffered, so the decoder
 * never sees one. It counts every value (map keys too): a message of more than
 * `maxValues` is refused with RPC_MESSAGE_TOO_LARGE as soon as that many are
 * buffered, and the count of a complete message is left in `count`.
 */
export function measureMsgpack(maxDepth: number, maxValues = DEFAULT_MAX_MESSAGE_VALUES, count?: ValueCount): Measure {
  const stack: number[] = [];
  return function measure(buf: Uint8Array, start: number, end: number): number {
    stack.length = 0;
    let pos = start;
    let left = 1;
    let values = 0;
    for (;;) {
      if (left === 0) {
        if (stack.length === 0) {
          if (count !== undefined) count.values = values;
          return pos - start;
        }
        left = stack.pop()!;
        continue;
      }
      if (pos >= end) return -(pos - start + lowerBound(left, stack));
      const b = buf[pos]!;
      left--;
      if (++values > maxValues) throw tooManyValues(maxValues);
      let ext = false; // an extension: its type byte follows the length field
      let lenBytes = 0; // size of a length field after the type byte
      let lenKind = 0; // what the length counts: 0 data bytes, 1 ext data, 2 array items, 3 map pairs
      let body = 0; // bytes after the type byte and length field
      let items = 0; // elements announced by a container header
      if (b <= 0x7f || b >= 0xe0) {
        // positive or negative fixint
      } else if (b <= 0x8f) {
        items = (b & 0x0f) * 2;
      } else if (b <= 0x9f) {
        items = b & 0x0f;
      } else if (b <= 0xbf) {
        body = b & 0x1f;
      } else {
        switch (b) {
          case 0xc0: case 0xc2: case 0xc3: break;
          case 0xc1: throw new ProtocolError(`rpc: msgpack: invalid type byte 0xc1 at offset ${pos - start}`);
          case 0xc4: case 0xd9: lenBytes = 1; break;
          case 0xc5: case 0xda: lenBytes = 2; break;
          case 0xc6: case 0xdb: lenBytes = 4; break;
          case 0xc7: lenBytes = 1; lenKind = 1; ext = true; break;
          case 0xc8: lenBytes = 2; lenKind = 1; ext = true; break;
          case 0xc9: lenBytes = 4; lenKind = 1; ext = true; break;
          case 0xca: body = 4; break;
          case 0xcb: body = 8; break;
          case 0xcc: case 0xd0: body = 1; break;
          case 0xcd: case 0xd1: body = 2; break;
          case 0xce: case 0xd2: body = 4; break;
          case 0xcf: case 0xd3: body = 8; break;
          case 0xd4: body = 2; ext = true; break;
          case 0xd5: body = 3; ext = true; break;
          case 0xd6: body = 5; ext = true; break;
          case 0xd7: body = 9; ext = true; break;
          case 0xd8: body = 17; ext = true; break;
          case 0xdc: lenBytes = 2; lenKind = 2; break;
          case 0xdd: lenBytes = 4; lenKind = 2; break;
          case 0xde: lenBytes = 2; lenKind = 3; break;
          case 0xdf: lenBytes = 4; lenKind = 3; break;
        }
        if (lenBytes > 0) {
          if (pos + 1 + lenBytes > end) return -(pos + 1 + lenBytes - start + lowerBound(left, stack));
          const n =
            lenBytes === 1
              ? buf[pos + 1]!
              : lenBytes === 2
                ? (buf[pos + 1]! << 8) | buf[pos + 2]!
                : buf[pos + 1]! * 0x1000000 + ((buf[pos + 2]! << 16) | (buf[pos + 3]! << 8) | buf[pos + 4]!);
          if (lenKind === 0) body = n;
          else if (lenKind === 1) body = n + 1; // ext: the type byte, then the data
          else if (lenKind === 2) items = n;
          else items = n * 2;
        }
      }
      const at = pos;
      pos += 1 + lenBytes + body;
      if (pos > end) return -(pos - start + lowerBound(left + items, stack));
      // Checked once the extension is buffered, so a length past the size limit is reported as such first.
      if (ext && buf[at + 1 + lenBytes] !== TIMESTAMP) throw badExtension(buf[at + 1 + lenBytes]!, at - start);
      if (items > 0) {
        if (stack.length >= maxDepth) {
          throw new ProtocolError(`rpc: msgpack: nesting deeper than ${maxDepth}`, ErrorCode.NestingTooDeep);
        }
        stack.push(left);
        left = items;
      }
    }
  };
}

function tooManyValues(limit: number): ProtocolError {
  return new ProtocolError(`rpc: msgpack: message of more than ${limit} values exceeds the limit`, ErrorCode.MessageTooLarge);
}

function badExtension(type: number, offset: number): ProtocolError {
  return new ProtocolError(`rpc: msgpack: extension type ${(type << 24) >> 24} at offset ${offset} is not part of msgpack-rpc (only the timestamp, -1, is)`);
}

/** lowerBound is the fewest bytes the values still announced can take. */
function lowerBound(left: number, stack: readonly number[]): number {
  let n = left;
  for (let i = 0; i < stack.length; i++) n += stack[i]!;
  return n;
}
