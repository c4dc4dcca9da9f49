import type { IncomingHttpHeaders } from 'node:http';

/**
 * flattenHeaders turns Node's parsed request headers into the lower-cased
 * name → value record handlers and hooks see; repeated headers are joined
 * with ", " as HTTP allows.
 */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}
