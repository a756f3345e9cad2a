/**
 * The progress bar on stderr (steps/s and ETA), drawn with cli-progress. Silent with --quiet or
 * when stderr is not a terminal, so logs and CI output stay clean.
 */
import cliProgress from 'cli-progress';

/** A progress display; all methods are no-ops when disabled. */
export interface Progress {
  update(done: number, extra?: { findings?: number }): void;
  setTotal(total: number): void;
  stop(): void;
}

/** A progress bar for `total` steps, or a silent one. */
export function createProgress(total: number, label: string, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, setTotal() {}, stop() {} };
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
