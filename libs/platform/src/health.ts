export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
}

/**
 * Readiness is the sum of the dependencies' checks. Draining (set when
 * shutdown begins) answers not-ready so the load balancer stops sending work
 * while in-flight requests and jobs finish.
 */
export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];
  private draining = false;

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  startDraining(): void {
    this.draining = true;
  }

  async readiness(timeoutMs = 2000): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (check) => {
        try {
          await withTimeout(check.check(), timeoutMs, `${check.name} did not answer within ${timeoutMs} ms`);
          return [check.name, { status: 'up' as const }] as const;
        } catch (error) {
          return [check.name, { status: 'down' as const, error: (error as Error).message }] as const;
        }
      }),
    );
    const checks: ReadinessReport['checks'] = Object.fromEntries(results);
    if (this.draining) checks.shutdown = { status: 'down', error: 'draining for shutdown' };
    const ready = Object.values(checks).every((result) => result.status === 'up');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
