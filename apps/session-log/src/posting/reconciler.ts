import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge } from 'prom-client';
import { Environment } from '@sessionledger/config';
import { PostedSessionSnapshot, schemaOf, SESSION_AMENDED, SESSION_POSTED, ServiceName } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import { pgArray, TenantTransactions, underAdvisoryLock } from '@sessionledger/persistence';
import { Metrics, PeriodicPass } from '@sessionledger/platform';

const SCHEMA = schemaOf('session-log');
const LOCK_KEY = 'session-log.reconciler';
const SESSION_EVENTS = [SESSION_POSTED.name, SESSION_AMENDED.name].map((name) => `'${name}'`).join(', ');

/** The consumers that acknowledge each version they apply; a version is republished until every one of them has. */
export const ACKNOWLEDGING_CONSUMERS: readonly ServiceName[] = ['payroll', 'state-reporting'];

export interface ReconcileSettings {
  /** Between two passes; 0: no passes of its own (on demand only). */
  intervalMs: number;
  /** A version signed, or last published, more recently than this is left to the normal path. */
  graceMs: number;
  /** Versions looked at per pass, oldest first. */
  batchSize: number;
  /**
   * Whose acknowledgements are awaited. A republished event goes to every
   * consumer of its contract, so a consumer listed here that is not running
   * has the ones that are sent its versions again (ever less often: `republishDue`).
   */
  consumers: readonly ServiceName[];
}

export interface ReconcileReport {
  /** False when another replica held the lock: this pass did nothing. */
  ran: boolean;
  /** Versions signed before the grace period that a consumer has not acknowledged. */
  unacknowledged: number;
  /** Republished by marking their outbox row unpublished again: the relay adds the same event id again. */
  reset: number;
  /** Republished as a new event with the signed snapshot (their outbox row had been pruned). */
  rerecorded: number;
  /** Left alone: their event is still waiting for the relay, or was (re)published within the grace period. */
  waiting: number;
  districts: number;
  /** Districts whose republishing failed this pass (logged; retried next pass). */
  failedDistricts: number;
}

interface VersionKey {
  districtId: string;
  sessionId: string;
  version: number;
}

/**
 * Posted sessions without a payroll effect, found and republished. The relay
 * marks an event published once BullMQ has its job; a Redis that loses its
 * data (FLUSHALL, a restart without persistence, a failover) loses that job,
 * and nothing else would ever send the event again. Payroll acknowledges
 * every version it applies, so a version signed more than the grace period
 * ago and still unacknowledged is published again: its outbox row is marked
 * unpublished (the same event id), or, once pruned, a new event carries the
 * same signed snapshot. Payroll's inbox and unique keys make a second
 * delivery harmless; it answers with another acknowledgement.
 *
 * A pass runs under a PostgreSQL advisory lock, so one replica at a time does
 * the work; it lists unacknowledged versions of every district through a
 * SECURITY DEFINER function and republishes per district under row-level
 * security, as a request would.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private readonly republished: Counter<'how'>;
  private readonly unacknowledged: Gauge;
  private readonly passes: PeriodicPass;
  settings: ReconcileSettings;

  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    env: Environment,
    metrics: Metrics,
  ) {
    this.settings = { intervalMs: env.RECONCILE_INTERVAL_MS, graceMs: env.RECONCILE_GRACE_MS, batchSize: 5_000, consumers: ACKNOWLEDGING_CONSUMERS };
    this.passes = new PeriodicPass(this.logger, 'reconciliation pass', () => this.settings.intervalMs, () => this.reconcileOnce());
    const registry = metrics.registry;
    this.republished =
      (registry.getSingleMetric('session_versions_republished_total') as Counter<'how'> | undefined) ??
      new Counter({
        name: 'session_versions_republished_total',
        help: 'Posted versions republished because a consumer never acknowledged them, by how (reset outbox row, or new event)',
        labelNames: ['how'],
        registers: [registry],
      });
    this.unacknowledged =
      (registry.getSingleMetric('session_versions_unacknowledged') as Gauge | undefined) ??
      new Gauge({
        name: 'session_versions_unacknowledged',
        help: 'Posted versions older than the grace period without every acknowledgement, at the last reconciliation pass',
        registers: [registry],
      });
  }

  onApplicationBootstrap(): void {
    this.passes.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass over every district (the timer's, or the operator's `reconcile` command). */
  async reconcileOnce(): Promise<ReconcileReport> {
    const startedAt = Date.now();
    // The lock is held until the listing's transaction ends; the republishing runs in transactions of its own meanwhile.
    const pass = await underAdvisoryLock(this.orm, LOCK_KEY, async (tx) => {
      const signedBefore = new Date(Date.now() - this.settings.graceMs);
      const byDistrict = new Map<string, Map<string, VersionKey>>();
      for (const consumer of this.settings.consumers) {
        const rows = await tx.execute<{ district_id: string; session_id: string; version: number }[]>(
          `select district_id, session_id, version from ${SCHEMA}.unacknowledged_versions(?, ?, ?)`,
          [consumer, signedBefore, this.settings.batchSize],
        );
        for (const row of rows) {
          const versions = byDistrict.get(row.district_id) ?? new Map<string, VersionKey>();
          versions.set(`${row.session_id}:${row.version}`, { districtId: row.district_id, sessionId: row.session_id, version: row.version });
          byDistrict.set(row.district_id, versions);
        }
      }

      const totals: ReconcileReport = { ran: true, unacknowledged: 0, reset: 0, rerecorded: 0, waiting: 0, districts: byDistrict.size, failedDistricts: 0 };
      for (const [districtId, versions] of byDistrict) {
        totals.unacknowledged += versions.size;
        try {
          const outcome = await this.republish(districtId, [...versions.values()]);
          totals.reset += outcome.reset;
          totals.rerecorded += outcome.rerecorded;
          totals.waiting += outcome.waiting;
        } catch (error) {
          totals.failedDistricts += 1;
          this.logger.warn({ districtId, versions: versions.size, reason: (error as Error).message }, 'republishing a district failed; retrying next pass');
        }
      }
      return totals;
    });
    const report = pass ?? { ran: false, unacknowledged: 0, reset: 0, rerecorded: 0, waiting: 0, districts: 0, failedDistricts: 0 };

    if (report.ran) {
      this.unacknowledged.set(report.unacknowledged);
      if (report.reset) this.republished.inc({ how: 'reset' }, report.reset);
      if (report.rerecorded) this.republished.inc({ how: 'new_event' }, report.rerecorded);
    }
    const facts = { ...report, ms: Date.now() - startedAt };
    if (report.reset || report.rerecorded || report.failedDistricts) this.logger.warn(facts, 'reconciliation republished posted versions payroll never acknowledged');
    else this.logger.debug(facts, 'reconciliation pass');
    return report;
  }

  private republish(districtId: string, versions: VersionKey[]): Promise<Pick<ReconcileReport, 'reset' | 'rerecorded' | 'waiting'>> {
    return this.transactions.run(districtId, async (em) => {
      const sessionIds = [...new Set(versions.map((v) => v.sessionId))];
      // Newest first: a version re-recorded earlier has two rows, and the newer one tells.
      const events = await em.execute<{ id: string; session_id: string; version: number; occurred_at: Date; published_at: Date | null }[]>(
        `select id, payload #>> '{snapshot,sessionId}' as session_id, (payload #>> '{snapshot,version}')::integer as version, occurred_at, published_at
           from ${SCHEMA}.outbox_event
          where district_id = ? and name in (${SESSION_EVENTS}) and payload #>> '{snapshot,sessionId}' = any(?::text[])
          order by occurred_at desc`,
        [districtId, pgArray(sessionIds)],
      );
      const latest = new Map<string, (typeof events)[number]>();
      for (const event of events) {
        const key = `${event.session_id}:${event.version}`;
        if (!latest.has(key)) latest.set(key, event);
      }

      const now = Date.now();
      const reset: string[] = [];
      const missing: VersionKey[] = [];
      let waiting = 0;
      for (const version of versions) {
        const event = latest.get(`${version.sessionId}:${version.version}`);
        if (!event) missing.push(version);
        else if (!republishDue(now, event.occurred_at, event.published_at, this.settings.graceMs)) waiting += 1;
        else reset.push(event.id);
      }

      if (reset.length) {
        await em.execute(`update ${SCHEMA}.outbox_event set published_at = null where id = any(?::uuid[])`, [pgArray(reset)]);
        // The relay wakes on inserts (a trigger); a row made unpublished again needs a notice of its own, sent at commit.
        await em.execute(`select pg_notify(?, '')`, [`outbox_${SCHEMA}`]);
      }
      if (missing.length) {
        const signed = await em.execute<{ session_id: string; version: number; snapshot: PostedSessionSnapshot; reason: string | null }[]>(
          `select session_id, version, snapshot, reason from ${SCHEMA}.session_version where session_id = any(?::uuid[])`,
          [pgArray([...new Set(missing.map((v) => v.sessionId))])],
        );
        const wanted = new Set(missing.map((v) => `${v.sessionId}:${v.version}`));
        for (const row of signed.filter((r) => wanted.has(`${r.session_id}:${r.version}`))) {
          if (row.version === 1) recordEvent(em, SESSION_POSTED, { districtId, snapshot: row.snapshot });
          else recordEvent(em, SESSION_AMENDED, { districtId, snapshot: row.snapshot, previousVersion: row.version - 1, reason: row.reason ?? '' });
        }
        await em.flush();
      }
      return { reset: reset.length, rerecorded: missing.length, waiting };
    });
  }
}

/** The longest a version waits between two republishings, however long its consumer has been down. */
export const MAX_REPUBLISH_INTERVAL_MS = 60 * 60_000;

/**
 * Whether an event published once and still unacknowledged goes out again
 * now. Recent events go again after the grace period; older ones wait a
 * quarter of their age (capped at an hour), so a consumer down for a day is
 * not sent every version every pass, while a Redis that lost its jobs a moment
 * ago is mended within one grace period.
 */
export function republishDue(now: number, occurredAt: Date, publishedAt: Date | null, graceMs: number): boolean {
  if (publishedAt === null) return false;
  const age = now - new Date(occurredAt).getTime();
  const interval = Math.min(MAX_REPUBLISH_INTERVAL_MS, Math.max(graceMs, age / 4));
  return now - new Date(publishedAt).getTime() >= interval;
}

/** A PostgreSQL array literal of uuids, bound as one parameter (MikroORM would spread a JS array into a list). */
