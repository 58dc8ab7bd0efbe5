import type { AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadLimits {
  /** Operations to time; a run stops at this count or at `maxMs`, whichever comes first. */
  count: number;
  maxMs: number;
  /** Untimed operations first, at the same concurrency (opens the sockets, warms the JIT and the pools). */
  warmup: number;
}

/** One timed slice of closed-loop load. */
export interface Sample {
  completed: number;
  errors: number;
  seconds: number;
  latencies: Float64Array;
}

export interface LoadResult {
  concurrency: number;
  completed: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Throughput of each interleaved slice, to judge the machine's noise. */
  slicesPerSecond: number[];
}

/** One operation; resolves false when the answer was wrong (a non-200 status). */
export type Operation = () => Promise<boolean>;

/**
 * Closed-loop load: `concurrency` callers each issue the next operation as
 * soon as their previous one answers, until the count or the time cap is reached.
 */
export async function sample(operation: Operation, concurrency: number, limits: LoadLimits): Promise<Sample> {
  if (limits.warmup > 0) await drive(operation, concurrency, limits.warmup, limits.maxMs, null);
  const latencies = new Float64Array(limits.count);
  const started = performance.now();
  const { completed, errors } = await drive(operation, concurrency, limits.count, limits.maxMs, latencies);
  return { completed, errors, seconds: (performance.now() - started) / 1000, latencies: latencies.subarray(0, completed) };
}

/** Slices of the same measurement taken in turn with the others, summed as one run. */
export function summarize(concurrency: number, samples: Sample[]): LoadResult {
  const completed = samples.reduce((sum, s) => sum + s.completed, 0);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const sorted = new Float64Array(completed);
  let offset = 0;
  for (const s of samples) {
    sorted.set(s.latencies, offset);
    offset += s.latencies.length;
  }
  sorted.sort();
  return {
    concurrency,
    completed,
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    seconds,
    perSecond: completed / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    slicesPerSecond: samples.map((s) => Math.round(s.completed / s.seconds)),
  };
}

async function drive(
  operation: Operation,
  concurrency: number,
  count: number,
  maxMs: number,
  latencies: Float64Array | null,
): Promise<{ completed: number; errors: number }> {
  const deadline = performance.now() + maxMs;
  let issued = 0;
  let completed = 0;
  let errors = 0;
  const caller = async () => {
    while (issued < count && performance.now() < deadline) {
      issued += 1;
      const sent = performance.now();
      const ok = await operation().catch(() => false);
      if (latencies) latencies[completed] = performance.now() - sent;
      completed += 1;
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { completed, errors };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1)))];
}

/**
 * Requests against 127.0.0.1 over Node's own keep-alive agent: no client library
 * between the measurement and the socket, one pooled connection per caller.
 * An operation succeeds when the answer has the expected status (200 unless given).
 */
export function httpClient(
  port: number,
  concurrency: number,
): {
  get(path: string, headers?: Record<string, string>, expectedStatus?: number): Operation;
  post(path: string, body: Buffer | string, headers?: Record<string, string>, expectedStatus?: number): Operation;
  close(): void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const send =
    (method: string, path: string, headers: Record<string, string>, body: Buffer | string | undefined, expectedStatus: number): Operation =>
    () =>
      new Promise<boolean>((resolve, reject) => {
        const outgoing = request({ host: '127.0.0.1', port, path, method, agent, headers }, (response) => {
          response.on('error', reject);
          response.on('end', () => resolve(response.statusCode === expectedStatus));
          response.resume();
        });
        outgoing.on('error', reject);
        outgoing.end(body);
      });
  return {
    get: (path, headers = {}, expectedStatus = 200) => send('GET', path, headers, undefined, expectedStatus),
    post: (path, body, headers = {}, expectedStatus = 200) =>
      send('POST', path, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, body, expectedStatus),
    close: () => agent.destroy(),
  };
}

/** The TCP port a server listens on (`server.address()`). */
export function portOf(address: AddressInfo | string | null): number {
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  return address.port;
}
