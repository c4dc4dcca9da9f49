/**
 * TypeScript names for what rpc-gen writes: valid, unreserved and unique
 * identifiers from Go names, given out in a fixed order so the same model
 * always gets the same names.
 */

/** Words a `const` may not be named, and the names the generated module imports. */
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'as',
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'await',
  'any', 'boolean', 'number', 'string', 'symbol', 'bigint', 'object', 'unknown', 'never', 'undefined', 'type',
  'arguments', 'eval', 'NaN', 'Infinity', 'Object', 'Array', 'Map', 'Date', 'Record', 'Uint8Array', 'Promise',
  'z', 'go', 'defineService', 'gobBasics',
]);

/** identifierFrom turns a Go name (`Pair[int]`, `big.Int`) into a JS identifier (`Pair_int`, `big_Int`). */
export function identifierFrom(name: string): string {
  let id = name.replace(/[^\p{L}\p{N}_$]+/gu, '_').replace(/^_+|_+$/g, '');
  if (id === '') id = 'T';
  if (/^\p{N}/u.test(id)) id = `_${id}`;
  return id;
}

/** isPropertyName reports whether `key` can be written unquoted as an object key. */
export function isPropertyName(key: string): boolean {
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(key);
}

/** propertyKey writes `key` as an object literal key: bare when it can be, quoted otherwise. */
export function propertyKey(key: string): string {
  return isPropertyName(key) ? key : JSON.stringify(key);
}

/**
 * NameAllocator hands out unique identifiers: the wanted one when it is
 * free, then each fallback, then the first one with a number appended.
 */
export class NameAllocator {
  private readonly taken = new Set<string>(RESERVED);

  /** take reserves and returns the first free name among `wanted` and `fallbacks`. */
  take(wanted: string, ...fallbacks: string[]): string {
    for (const name of [wanted, ...fallbacks]) {
      const id = identifierFrom(name);
      if (!this.taken.has(id)) {
        this.taken.add(id);
        return id;
      }
    }
    const base = identifierFrom(wanted);
    for (let n = 2; ; n++) {
      if (!this.taken.has(`${base}${n}`)) {
        this.taken.add(`${base}${n}`);
        return `${base}${n}`;
      }
    }
  }
}

/** tsString writes `s` as a single-quoted TypeScript string literal. */
export function tsString(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}
