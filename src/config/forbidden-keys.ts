/**
 * Prototype-pollution guard: keys that would reach an object's prototype when a config is merged
 * or a `--set`/grid path is applied. They are rejected wherever user text names a key.
 */

/** Keys that would reach an object's prototype when used as a path or merged: never valid in a config. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Find keys such as `__proto__` anywhere in parsed data; returns their dotted paths. */
export function forbiddenKeyPaths(data: unknown, at = '', out: string[] = []): string[] {
  if (Array.isArray(data)) data.forEach((v, i) => forbiddenKeyPaths(v, `${at}[${i}]`, out));
  else if (data !== null && typeof data === 'object')
    for (const key of Object.keys(data)) {
      const path = at ? `${at}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) out.push(path);
      else forbiddenKeyPaths((data as Record<string, unknown>)[key], path, out);
    }
  return out;
}
