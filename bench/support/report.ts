import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';

export type Cell = string | number;

/** A plain text table, numbers right-aligned. */
export function table(header: string[], rows: Cell[][]): string {
  const text = [header, ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)))];
  const widths = header.map((_, column) => Math.max(...text.map((row) => row[column].length)));
  const line = (row: string[], raw: Cell[] | null) =>
    row.map((cell, column) => (raw && typeof raw[column] === 'number' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  return [line(text[0], null), widths.map((width) => '-'.repeat(width)).join('  '), ...text.slice(1).map((row, i) => line(row, rows[i]))].join('\n');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function ratio(value: number, baseline: number): string {
  const r = value / baseline;
  return `${r.toFixed(r < 0.1 ? 3 : 2)}x`;
}

/** Where and on what a result was measured, so two JSON files can be compared honestly. */
export function machine(root: string): Record<string, unknown> {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: root, encoding: 'utf8' }).trim() !== '';
  } catch {
    // not a git checkout: the figures stand without it
  }
  return { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage: loadavg(), commit, uncommittedChanges: dirty };
}

/** Writes the result where scripts/bench.sh asked (BENCH_RESULT_FILE), else under bench/results/. */
export function writeResult(root: string, name: string, result: object): string {
  const file = process.env.BENCH_RESULT_FILE ?? join(root, 'bench', 'results', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** One progress line while a bench runs: name, concurrency, rate, p50, p99, errors. */
export function printProgress(name: string, result: { concurrency: number; perSecond: number; p50Ms: number; p99Ms: number; errors?: number }): void {
  const errors = result.errors ? `  ${result.errors} errors` : '';
  console.log(
    `  ${name.padEnd(56)} c${String(result.concurrency).padEnd(3)} ${formatNumber(result.perSecond).padStart(7)} /s  ` +
      `p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${errors}`,
  );
}

export function pct(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)}%`;
}

/** Seconds since a `performance.now()` reading, to the millisecond. */
export function seconds(since: number): number {
  return Number(((performance.now() - since) / 1000).toFixed(3));
}
