import { describe, expect, it } from 'vitest';
import { RpcError } from '../../src/errors.js';
import { parseSize } from '../../src/cli/size.js';

describe('parseSize', () => {
  it.each([
    ['65536', 65536],
    ['1B', 1],
    ['512KiB', 512 * 1024],
    ['1MiB', 1024 * 1024],
    ['1mib', 1024 * 1024],
    ['64MB', 64_000_000],
    ['10kB', 10_000],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['2TiB', 2 * 2 ** 40],
    ['1 MiB', 1024 * 1024],
  ])('%s is %i bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    ['', /invalid size/],
    ['-1', /invalid size/],
    ['1.5B', /not a whole number of bytes/],
    ['1.0000001KiB', /not a whole number of bytes/],
    ['10M', /unknown unit "M"/],
    ['1XB', /unknown unit "XB".*KiB, MiB/],
    ['1e6', /invalid size/],
    ['99999999TiB', /too large/],
  ])('%j is refused (%s)', (text, reason) => {
    expect(() => parseSize(text)).toThrow(RpcError);
    expect(() => parseSize(text)).toThrow(reason);
  });
});
