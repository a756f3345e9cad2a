/**
 * Progress on stderr. On a terminal: a bar (steps/s and ETA) drawn with cli-progress. Elsewhere (CI,
 * cluster logs, a queue worker): a plain line every few seconds and one at the end, so a long run
 * is never silent for minutes and the log holds no control characters. Silent with --quiet.
 */
import cliProgress from 'cli-progress';

/** A progress display; all methods are no-ops when disabled. */
export interface Progress {
  update(done: number, extra?: { findings?: number }): void;
  setTotal(total: number): void;
  stop(): void;
}

/** Seconds between plain progress lines when stderr is not a terminal. */
export const PLAIN_PROGRESS_SECONDS = 5;

/** Where and how often plain lines go; injectable so tests need no wall clock. */
export interface PlainProgressOptions {
  readonly write?: (line: string) => void;
  readonly now?: () => number;
  readonly everyMs?: number;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Plain progress lines: `label: 1,200/20,000 steps (6%), 950 steps/s, ETA 0:18, findings 0`, at most
 * one per `everyMs`, plus a last one at stop when anything moved since.
 */
export function plainProgress(label: string, unit: string, total: number, options: PlainProgressOptions = {}): Progress & { lines: () => number } {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? PLAIN_PROGRESS_SECONDS * 1000;
  const started = now();
  let last = started;
  let done = 0;
  let printed = -1;
  let findings: number | undefined;
  let count = 0;
  const fmt = (x: number): string => Math.floor(x + 1e-9).toLocaleString('en-US');
  const line = (t: number): void => {
    const secs = (t - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const pct = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
    const eta = rate > 0 && total > done ? `, ETA ${clock(((total - done) / rate) * 1000)}` : '';
    const rateText = unit === 'steps' ? `, ${fmt(rate)} ${unit}/s` : '';
    write(
      `${label}: ${fmt(done)}/${fmt(total)} ${unit}${pct}${rateText}${eta}${findings !== undefined ? `, findings ${findings}` : ''}, elapsed ${clock(t - started)}\n`,
    );
    printed = done;
    last = t;
    count++;
  };
  return {
    update(d, extra) {
      done = d;
      if (extra?.findings !== undefined) findings = extra.findings;
      const t = now();
      if (t - last >= everyMs) line(t);
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      if (done !== printed && done > 0) line(now());
    },
    lines: () => count,
  };
}

/** A progress display for `total` steps: a bar on a terminal, plain lines elsewhere, or silence. */
export function createProgress(total: number, label: string, enabled: boolean): Progress {
  if (!enabled) return { update() {}, setTotal() {}, stop() {} };
  if (!process.stderr.isTTY) return plainProgress(label, 'steps', total);
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} |{bar}| {percentage}% | {value}/{total} steps | {rate} steps/s | ETA {eta_formatted} | findings {findings}`,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: '0', findings: 0 });
  return {
    update(done, extra) {
      const secs = (Date.now() - started) / 1000;
      bar.update(done, { rate: secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '0', findings: extra?.findings ?? 0 });
    },
    setTotal(t) {
      bar.setTotal(t);
    },
    stop() {
      bar.stop();
    },
  };
}
