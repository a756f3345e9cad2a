/**
 * Generating invalid experiment files by mutating the shipped ones (for test/config/fuzz.test.ts).
 * Every mutation is built to be invalid whatever the field's schema: unknown keys at every level,
 * values of a type no field of that kind accepts, non-finite numbers (zod numbers are finite),
 * required fields removed, YAML syntax errors and duplicate keys, alias bombs, other encodings,
 * prototype keys, and special files. Each case says what the error must name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { Rng } from '../../src/core/rng.js';

/** One generated case. */
export interface FuzzCase {
  /** Short id, for test names and file names. */
  readonly id: string;
  readonly experiment: string;
  readonly kind: string;
  /** The file's bytes (.yaml unless `ext` says otherwise). */
  readonly bytes: Buffer;
  readonly ext?: string;
  /** The error message must match this (the field path, key or line it concerns). */
  readonly names: RegExp;
}

type Node = Record<string, unknown> | unknown[];
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every container in the config with its dotted path (root ''). */
function containers(data: unknown, at = '', out: { path: string; node: Node }[] = []): { path: string; node: Node }[] {
  if (isMap(data)) {
    out.push({ path: at, node: data });
    for (const [k, v] of Object.entries(data)) containers(v, at ? `${at}.${k}` : k, out);
  } else if (Array.isArray(data)) {
    out.push({ path: at, node: data });
    data.forEach((v, i) => containers(v, `${at}[${i}]`, out));
  }
  return out;
}

/** Every scalar leaf with its path, parent and key. */
function leaves(data: unknown): { path: string; parent: Node; key: string | number; value: unknown }[] {
  const out: { path: string; parent: Node; key: string | number; value: unknown }[] = [];
  for (const { path, node } of containers(data)) {
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries)
      if (v === null || typeof v !== 'object')
        out.push({ path: typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k, parent: node, key: k, value: v });
  }
  return out;
}

/** A regex matching `s` literally. */
export const literal = (s: string): RegExp => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** What an error about a field at `path` must mention: the path itself, or for sweep grids the sweep section. */
function namesField(path: string, key?: string): RegExp {
  if (path.startsWith('sweep.')) return key ? new RegExp(`sweep.*(${literal(key).source})|${literal(path).source}`, 's') : /sweep/;
  // Inside an agent entry, a policy's own check may name the agent by id instead of by entry index.
  const inAgent = /^agents\[\d+\]\.(.+)$/.exec(path);
  if (inAgent) return new RegExp(`(${literal(path).source}|[\\w-]+\\.${literal(inAgent[1]!).source})`);
  return literal(path);
}

/** Pick `n` items of `xs` with `rng` (all when there are fewer). */
function pick<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rng.int(pool.length), 1)[0]!);
  return out;
}

const yamlBytes = (data: unknown): Buffer => Buffer.from(stringify(data, { aliasDuplicateObjects: false }));

const BOMB = [
  'lol0: &a0 [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 7 }, (_, k) => `lol${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(', ')}]`),
].join('\n');

/** The invalid variants of one shipped experiment. */
export function mutations(experiment: string, text: string): FuzzCase[] {
  const rng = Rng.from(0, 'fuzz', experiment);
  const cases: FuzzCase[] = [];
  const original = parseYaml(text) as Record<string, unknown>;
  const fresh = (): Record<string, unknown> => structuredClone(original);
  const add = (kind: string, detail: string, bytes: Buffer, names: RegExp, ext?: string): void => {
    cases.push({ id: `${experiment} ${kind} ${detail}`, experiment, kind, bytes, names, ...(ext ? { ext } : {}) });
  };

  // Unknown keys at every level (every mapping, the root included).
  for (const { path } of containers(original)) {
    const data = fresh();
    const node = path === '' ? data : (containers(data).find((c) => c.path === path)!.node as Node);
    if (!isMap(node)) continue;
    node['fuzzUnknownKey'] = 1;
    add('unknown-key', path || '(root)', yamlBytes(data), /fuzzUnknownKey/);
  }

  // Wrong types: a number where text was, text where a number or boolean was.
  const scalarLeaves = leaves(original).filter((l) => typeof l.value === 'number' || typeof l.value === 'boolean' || typeof l.value === 'string');
  for (const l of pick(rng, scalarLeaves, 4)) {
    const data = fresh();
    const target = leaves(data).find((x) => x.path === l.path)!;
    const wrong = typeof l.value === 'string' ? { fuzz: [1, 2] } : 'fuzz-text';
    (target.parent as Record<string | number, unknown>)[target.key] = wrong;
    add('wrong-type', l.path, yamlBytes(data), namesField(l.path, typeof target.key === 'string' ? target.key : undefined));
  }

  // Non-finite numbers: no number field accepts NaN or ±Infinity.
  const numberLeaves = leaves(original).filter((l) => typeof l.value === 'number');
  for (const [k, l] of pick(rng, numberLeaves, 3).entries()) {
    const data = fresh();
    const target = leaves(data).find((x) => x.path === l.path)!;
    (target.parent as Record<string | number, unknown>)[target.key] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][k % 3];
    add('non-finite', l.path, yamlBytes(data), namesField(l.path, typeof target.key === 'string' ? target.key : undefined));
  }

  // Required fields removed.
  const required: string[] = ['name', 'env', 'agents', 'run', 'env.id'];
  for (const key of pick(rng, required, 3)) {
    const data = fresh();
    const [head, tail] = key.split('.');
    if (tail) delete (data[head!] as Record<string, unknown>)[tail];
    else delete data[head!];
    add('missing', key, yamlBytes(data), literal(tail ? `${head}` : key));
  }
  {
    const data = fresh();
    const agents = data['agents'] as Record<string, unknown>[];
    const k = rng.int(agents.length);
    delete agents[k]!['policy'];
    add('missing', `agents[${k}].policy`, yamlBytes(data), literal(`agents[${k}]`));
  }

  // YAML syntax errors (named by line) and a duplicated key.
  const lines = text.split('\n');
  const at = 1 + rng.int(Math.max(1, lines.length - 1));
  add('yaml-syntax', `unclosed list at line ${at + 1}`, Buffer.from([...lines.slice(0, at), 'fuzz: [1, 2', ...lines.slice(at)].join('\n')), /line \d+/);
  add('yaml-syntax', 'bad indentation', Buffer.from(`${text}\n   badly: indented\n  - and: a list\n`), /line \d+/);
  add('yaml-duplicate', 'name twice', Buffer.from(`${text}\nname: again\n`), /line \d+|unique/i);

  // An alias bomb, another encoding, a prototype key.
  add('alias-bomb', 'billion laughs', Buffer.from(`${BOMB}\n${text}`), /alias/i);
  const encodings: [string, Buffer, RegExp][] = [
    ['utf16le-bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), /UTF-16/],
    ['utf16be-bom', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), /UTF-16/],
    ['utf16le', Buffer.from(text, 'utf16le'), /NUL character/],
    ['latin1', Buffer.from(`# caf\u00e9 cr\u00e8me\n${text}`, 'latin1'), /not valid UTF-8/],
  ];
  const [encName, encBytes, encNames] = encodings[rng.int(encodings.length)]!;
  add('encoding', encName, encBytes, encNames);
  {
    const data = fresh();
    const maps = containers(data).filter((c) => isMap(c.node));
    const { path, node } = maps[rng.int(maps.length)]!;
    Object.defineProperty(node, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
    add('proto-key', path || '(root)', yamlBytes(data), literal(`${path ? `${path}.` : ''}__proto__`));
  }
  return cases;
}

/** Cases that do not come from one experiment: special files and JSON syntax. */
export function fileCases(): FuzzCase[] {
  const quick = readFileSync('experiments/quickstart.yaml', 'utf8');
  return [
    { id: 'empty file', experiment: '-', kind: 'special', bytes: Buffer.alloc(0), names: /expected a mapping/ },
    {
      id: 'binary file',
      experiment: '-',
      kind: 'special',
      bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0]),
      names: /NUL character|not valid UTF-8/,
    },
    { id: 'a list, not a mapping', experiment: '-', kind: 'special', bytes: Buffer.from('- 1\n- 2\n'), names: /expected a mapping .* got a list/ },
    { id: 'a scalar, not a mapping', experiment: '-', kind: 'special', bytes: Buffer.from('just text\n'), names: /expected a mapping/ },
    {
      id: 'json trailing comma',
      experiment: '-',
      kind: 'json',
      ext: '.json',
      bytes: Buffer.from(`${JSON.stringify(parseYaml(quick)).slice(0, -1)},}`),
      names: /position \d+|line \d+/,
    },
    {
      id: 'json __proto__',
      experiment: '-',
      kind: 'proto-key',
      ext: '.json',
      bytes: Buffer.from(`{"__proto__": {"polluted": 1}, ${JSON.stringify(parseYaml(quick)).slice(1)}`),
      names: /__proto__/,
    },
    {
      id: 'oversized file',
      experiment: '-',
      kind: 'special',
      bytes: Buffer.from(`${quick}\n${'# padding\n'.repeat(500_000)}`),
      names: /is \d+ bytes; an experiment file is at most/,
    },
  ];
}

/** The shipped experiment files, with those in experiments' subfolders (schemes/, traps/, coordination/). */
export function shippedExperiments(): string[] {
  const top = readdirSync('experiments', { withFileTypes: true });
  const nested = top
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(`experiments/${d.name}`)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `${d.name}/${f}`),
    );
  return [...top.filter((d) => d.isFile() && d.name.endsWith('.yaml')).map((d) => d.name), ...nested].sort();
}
