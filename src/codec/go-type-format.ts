import type { GoType } from './go-type.js';

/**
 * formatGoType writes a GoType in Go syntax, for listings and the debug
 * page: `struct { A int; B int }`, `[]string`, `map[string]float64`,
 * `*Node`. Named composite types print their name.
 */
export function formatGoType(t: GoType, depth = 0): string {
  if (depth > 8) return '…';
  switch (t.kind) {
    case 'bool':
    case 'string':
      return t.kind;
    case 'bytes':
      return '[]byte';
    case 'interface':
      return 'interface{}';
    case 'time':
      return 'time.Time';
    case 'int':
    case 'uint':
      return t.bits && t.bits !== 64 ? `${t.kind}${t.bits}` : t.bits === 64 ? `${t.kind}64` : t.kind;
    case 'float':
      return `float${t.bits ?? 64}`;
    case 'complex':
      return `complex${t.bits ?? 128}`;
    case 'pointer':
      return `*${formatGoType(t.elem, depth + 1)}`;
    case 'slice':
      return t.name || `[]${formatGoType(t.elem, depth + 1)}`;
    case 'array':
      return t.name || `[${t.len}]${formatGoType(t.elem, depth + 1)}`;
    case 'map':
      return t.name || `map[${formatGoType(t.key, depth + 1)}]${formatGoType(t.elem, depth + 1)}`;
    case 'struct':
      if (t.name && depth > 0) return t.name;
      return `struct { ${t.fields.map((f) => `${f.name} ${formatGoType(f.type, depth + 1)}`).join('; ')} }`.replace('{  }', '{}');
  }
}
