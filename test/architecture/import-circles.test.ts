/**
 * No import circle between files (issue #15): a circle means two modules each need the other, so
 * neither can be read, tested or moved alone. Reads the relative imports (static, and `import()`
 * of a literal path) of every source file and looks for strongly connected components. Between
 * folders: no two import each other, nor do folders import round a longer loop; the core, runner and worker pool name no world, and no world
 * imports a learner (declared exception: the market's Calvano study).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FOLDERS = ['src', 'envs', 'policies', 'bench', 'experiments'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** File → the files it imports (paths relative to the repository). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f)))) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g), ...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!);
    const targets = specs
      .map((s) => resolve(dirname(file), s))
      .map((p) => (existsSync(p.replace(/\.js$/, '.ts')) ? p.replace(/\.js$/, '.ts') : p))
      .filter((p) => existsSync(p))
      .map((p) => relative(ROOT, p));
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The folder a file belongs to for the folder rules: `src/<x>` inside src, else its top-level folder. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0]!;
}

/** Folder → the other folders its files import. */
function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    const set = out.get(from) ?? new Set<string>();
    for (const t of targets) if (folderOf(t) !== from) set.add(folderOf(t));
    out.set(from, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** Imports from files under one of `from` into files under `into`, except files under `except`. */
function crossings(graph: Map<string, string[]>, from: readonly string[], into: string, except: readonly string[] = []): string[] {
  return [...graph].flatMap(([file, targets]) =>
    from.some((f) => file.startsWith(f)) && !except.some((e) => file.startsWith(e))
      ? targets.filter((t) => t.startsWith(into)).map((t) => `${file} -> ${t}`)
      : [],
  );
}

describe('imports', () => {
  it('form no circle between files', () => {
    const graph = importGraph();
    // The reader must see the imports, or an empty result proves nothing.
    expect(graph.get('src/run/seed-run.ts')).toContain('src/run/metrics.ts');
    expect(circles(graph)).toEqual([]);
  });

  it('between two folders run one way (src/<x>, envs, policies, bench, experiments)', () => {
    const folders = folderGraph(importGraph());
    // Not vacuous: the folders and their arrows are seen (the runner uses the core and the worker pool).
    expect(folders.get('src/run')).toEqual(expect.arrayContaining(['src/core', 'src/workers']));
    expect(folders.get('envs')).toContain('src/core');
    const both = [...folders].flatMap(([a, targets]) => targets.filter((b) => a < b && folders.get(b)?.includes(a)).map((b) => `${a} <-> ${b}`));
    expect(both).toEqual([]);
    // Nor round a longer loop: config/resolve.ts imports every registry, so nothing a registry
    // reaches may import config's resolver or what imports it (the resolved shape is config/resolved.ts,
    // a space's wire form core/space-json.ts).
    expect(circles(folders)).toEqual([]);
  });

  it('the core, the runner and the worker pool name no world; no world imports a learner', () => {
    const graph = importGraph();
    // A world declares what the runner needs (src/core/world.ts: fast paths, analysis, action values).
    expect(crossings(graph, ['src/core/', 'src/run/', 'src/workers/'], 'envs/')).toEqual([]);
    // Learner code a world kernel shares (the tabular-Q exploration schedule) lives in src/learn.
    // The market's Calvano study pairs the world with tabular-q on purpose (sessions, the fast path).
    expect(crossings(graph, ['envs/'], 'policies/', ['envs/market/calvano/'])).toEqual([]);
    expect(crossings(graph, ['envs/market/calvano/'], 'policies/').length).toBeGreaterThan(0); // the exception is real
  });

  it('finds a circle when there is one (the check is not vacuous)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
