/**
 * Loading experiment files: YAML or JSON from disk, `--set path=value` overrides applied with immer
 * (values parsed as YAML scalars, so `0.1`, `true`, `[1, 2]` and `{a: 1}` work), then full
 * validation. Never evaluates user text as code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { produce } from 'immer';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, UsageError } from '../core/errors.js';
import { resolveExperiment, type ResolvedExperiment } from './resolve.js';

/** Read and parse a YAML or JSON experiment file into a plain object. */
export function readConfigFile(path: string): unknown {
  if (!existsSync(path)) throw new UsageError(`config file not found: ${path} (experiment files live in experiments/, e.g. experiments/quickstart.yaml)`);
  if (!statSync(path).isFile()) throw new UsageError(`config path is not a file: ${path}`);
  const text = readFileSync(path, 'utf8');
  try {
    const data: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new ConfigError([{ path: '', message: `expected a mapping with name, env, agents and run, got ${Array.isArray(data) ? 'a list' : String(data)}` }], `invalid experiment config ${path}`);
    return data;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof YAMLParseError || err instanceof SyntaxError)
      throw new UsageError(`cannot parse ${path}: ${err.message.split('\n')[0]} (check the YAML/JSON syntax near that position)`);
    throw err;
  }
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
    if (gap !== '' && gap !== '.') throw new UsageError(`bad --set path '${path}' near '${gap}': use dotted keys and [n] indices, e.g. agents[0].policy.params.learningRate`);
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
