import type { GoType } from '../codec/go-type.js';

/** The parts of a zod 4 check this module reads and writes. */
interface CheckLike {
  readonly _zod: { readonly def: { goType?: GoType } };
}

/**
 * goTypeMark reads the GoType a schema built by the `go.*` builders
 * carries: a no-op check holding it, which zod keeps through clones
 * (`.describe()`, `.meta()`, `.refine()`). Undefined for other schemas.
 */
export function goTypeMark(def: { readonly checks?: readonly unknown[] }): GoType | undefined {
  const checks = def.checks;
  if (checks === undefined) return undefined;
  for (let i = checks.length - 1; i >= 0; i--) {
    const t = (checks[i] as CheckLike)._zod.def.goType;
    if (t !== undefined) return t;
  }
  return undefined;
}

/** setGoTypeMark stores `type` on a check's definition (see goTypeMark). */
export function setGoTypeMark(check: unknown, type: GoType): void {
  (check as CheckLike)._zod.def.goType = type;
}
