/**
 * Loading experiment files: YAML or JSON from disk, `--set path=value` overrides applied with immer
 * (values parsed as YAML scalars, so `0.1`, `true`, `[1, 2]` and `{a: 1}` work), then full
 * validation. Never evaluates user text as code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { produce } from 'immer';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, UsageError } from '../core/errors.js';
import { resolveExperiment } from './resolve.js';
import type { ResolvedExperiment } from './resolved.js';
import { FORBIDDEN_KEYS, forbiddenKeyPaths } from './forbidden-keys.js';

/** Largest experiment file read (a config is a few kilobytes; anything bigger is a mistake). */
const MAX_CONFIG_BYTES = 4 << 20;

/** Decode a config file's bytes as UTF-8, refusing other encodings with a message that says which. */
function decodeText(path: string, bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new UsageError(`cannot read ${path}: it is UTF-16 encoded; save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)`);
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new UsageError(
      `cannot read ${path}: byte ${nul} is a NUL character, so this is not a UTF-8 text file (UTF-16, UTF-32 or binary); save it as UTF-8 YAML or JSON`,
    );
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new UsageError(`cannot read ${path}: it is not valid UTF-8 (another encoding such as Latin-1?); save it as UTF-8`);
  }
}

/** Read and parse a YAML or JSON experiment file into a plain object. */
export function readConfigFile(path: string): unknown {
  if (!existsSync(path)) throw new UsageError(`config file not found: ${path} (experiment files live in experiments/, e.g. experiments/quickstart.yaml)`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new UsageError(`config path is not a regular file: ${path}${stat.isDirectory() ? ' (it is a folder)' : ''}`);
  if (stat.size > MAX_CONFIG_BYTES)
    throw new UsageError(`config file ${path} is ${stat.size} bytes; an experiment file is at most ${MAX_CONFIG_BYTES} bytes (is this the right file?)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      throw new UsageError(`cannot read ${path}: permission denied (check the file's permissions, e.g. chmod u+r ${path})`);
    throw new UsageError(`cannot read ${path}: ${code ?? (err as Error).message}`);
  }
  const text = decodeText(path, bytes);
  let data: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); uniqueKeys rejects duplicated keys.
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError || err instanceof SyntaxError)
      throw new UsageError(`cannot parse ${path}: ${err.message.split('\n')[0]} (check the YAML/JSON syntax near that position)`);
    // The yaml library reports alias bombs and similar resource limits as ReferenceError and friends.
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    if (/alias/i.test(message))
      throw new UsageError(`cannot parse ${path}: ${message} (YAML aliases (*name) expand too much; write the values out or use fewer aliases)`);
    throw new UsageError(`cannot parse ${path}: ${message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(
      [{ path: '', message: `expected a mapping with name, env, agents and run, got ${Array.isArray(data) ? 'a list' : String(data)}` }],
      `invalid experiment config ${path}`,
    );
  const bad = forbiddenKeyPaths(data);
  if (bad.length > 0)
    throw new ConfigError(
      bad.map((p) => ({ path: p, message: `the key '${p.split('.').pop()}' is not allowed (it would reach the object prototype); remove it` })),
      `invalid experiment config ${path}`,
    );
  return data;
}

/** A parsed `--set` path: object keys and array indices. */
export type PathSegment = string | number;

/** Parse `agents[0].policy.params.learningRate` into segments. */
export function parsePath(path: string): PathSegment[] {
  const segs: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let pos = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const gap = path.slice(pos, m.index);
    if (gap !== '' && gap !== '.')
      throw new UsageError(`bad --set path '${path}' near '${gap}': use dotted keys and [n] indices, e.g. agents[0].policy.params.learningRate`);
    if (m[1] !== undefined && FORBIDDEN_KEYS.has(m[1]))
      throw new UsageError(`bad --set path '${path}': the key '${m[1]}' is not allowed (it would reach the object prototype)`);
    segs.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    pos = re.lastIndex;
  }
  if (pos !== path.length || segs.length === 0 || path.startsWith('.') || path.endsWith('.'))
    throw new UsageError(`bad --set path '${path}': use dotted keys and [n] indices, e.g. agents[0].policy.params.learningRate`);
  return segs;
}

/** Apply `path=value` overrides to a config object, returning a new object. */
export function applyOverrides(config: unknown, sets: readonly string[]): unknown {
  return sets.reduce((acc, set) => {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad --set '${set}': expected path=value, e.g. --set run.steps=5000`);
    const path = parsePath(set.slice(0, eq).trim());
    const text = set.slice(eq + 1);
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch {
      value = text;
    }
    return produce(acc, (draft: unknown) => {
      let node = draft as Record<PropertyKey, unknown>;
      for (let k = 0; k < path.length; k++) {
        const seg = path[k]!;
        // An index past the end would leave holes that the schema reports confusingly: name the list's length instead.
        if (typeof seg === 'number' && Array.isArray(node) && seg > node.length)
          throw new UsageError(
            `bad --set '${set}': '${path.slice(0, k).join('.')}' has ${node.length} ${node.length === 1 ? 'entry' : 'entries'} ` +
              `(indices 0..${node.length - 1}), so [${seg}] is out of range; use [0]..[${node.length - 1}] to change one, or [${node.length}] to add one`,
          );
        if (typeof seg === 'number' && !Array.isArray(node))
          throw new UsageError(`bad --set '${set}': '${path.slice(0, k).join('.')}' is not a list, so [${seg}] cannot index it`);
        if (k === path.length - 1) break;
        const next = node[seg];
        if (next === undefined || next === null) node[seg] = typeof path[k + 1] === 'number' ? [] : {};
        else if (typeof next !== 'object')
          throw new UsageError(`bad --set '${set}': '${path.slice(0, k + 1).join('.')}' is ${JSON.stringify(next)}, not an object or list`);
        node = node[seg] as Record<PropertyKey, unknown>;
      }
      node[path[path.length - 1]!] = value;
    });
  }, config);
}

/** Read, override and validate an experiment file. */
export function loadExperiment(path: string, sets: readonly string[] = []): ResolvedExperiment {
  const raw = applyOverrides(readConfigFile(path), sets);
  return resolveExperiment(raw, path);
}
