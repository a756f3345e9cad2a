/**
 * CPU time at named points of one command (user + system of the whole process, every thread), for
 * bench/startup.ts's breakdown of a run: start-up, config, the learning loop, the world's analysis,
 * the detectors, the writes. Off (one environment lookup at load, one comparison per call) unless
 * TACIT_STAGE_CLOCK names a file; then, when the process exits, that file gets
 * `{ "marks": [{ "stage", "cpuSeconds" }, ...], "spans": { "<name>": cpuSeconds, ... } }`: marks in
 * the order reached, CPU counted from process start, the last one "exit"; spans the CPU spent inside
 * `stageSpan(name, ...)` calls, summed (work done piecewise inside a stage, such as the detectors at
 * every metrics window of the loop). Never part of a run's outputs.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.TACIT_STAGE_CLOCK;
const marks: { stage: string; cpuSeconds: number }[] = [];
const spans: Record<string, number> = {};
let armed = false;

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function arm(): void {
  armed = true;
  process.once('exit', () => {
    marks.push({ stage: 'exit', cpuSeconds: cpuNow() });
    writeFileSync(file!, `${JSON.stringify({ marks, spans })}\n`);
  });
}

/** Record that the command reached `stage` (no-op unless TACIT_STAGE_CLOCK is set). */
export function stageMark(stage: string): void {
  if (file === undefined) return;
  if (!armed) arm();
  marks.push({ stage, cpuSeconds: cpuNow() });
}

/** Run `work`, adding its CPU time to the span `name` when the clock is on. */
export function stageSpan<T>(name: string, work: () => T): T {
  if (file === undefined) return work();
  if (!armed) arm();
  const start = cpuNow();
  try {
    return work();
  } finally {
    spans[name] = (spans[name] ?? 0) + cpuNow() - start;
  }
}
