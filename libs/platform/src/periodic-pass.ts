import { Logger } from '@nestjs/common';

/**
 * Work that runs again `intervalMs()` after the previous run finished (never
 * two at once in a process), until `stop()`, which waits for a run in
 * flight. A failed run is logged and the next one comes at the usual time.
 * An interval of 0 or less runs nothing (tests and operator commands then
 * call the work themselves).
 */
export class PeriodicPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly intervalMs: () => number,
    private readonly run: () => Promise<unknown>,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    if (this.stopped || this.intervalMs() <= 0) return;
    this.timer = setTimeout(() => {
      this.running = this.run()
        .catch((error: unknown) => this.logger.warn({ reason: (error as Error).message }, `${this.what} failed; retrying next interval`))
        .finally(() => this.start());
    }, this.intervalMs());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
