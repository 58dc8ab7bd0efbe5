import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { NotFound, Page, pageOf } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { ActorSnapshot, AnnounceJobFinishedCommand, DigestSession, GUARDIAN_DIGEST_CREATED, ListNotificationsCommand, NotificationReply, PostedSessionSnapshot, schemaOf, SessionAmended, SessionPosted, TASK_ESCALATED, TaskClosed, TaskOpened } from '@sessionledger/contracts';
import { settingsWithDefaults } from '@sessionledger/session-rules';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { Mailer } from '@sessionledger/platform';
import { ReminderJob, ReminderJobs, ReminderKind, ReminderOutcome } from './reminder-jobs';

const S = schemaOf('scheduling');
const LOCK_KEY = 'scheduling.reminder-sweep';
const ESCALATION_HOURS = `COALESCE((d.settings->>'taskEscalationHours')::integer, 24)`;

interface NotificationRow {
  id: string;
  kind: NotificationReply['kind'];
  recipient_user_id: string | null;
  recipient_school_id: string | null;
  recipient_student_id: string | null;
  session_ids: string[] | null;
  task_id: string | null;
  task_kind: string | null;
  session_id: string | null;
  provider_id: string | null;
  due_at: Date | null;
  created_at: Date;
  read_at: Date | null;
  emailed_at: Date | null;
  sessions: DigestSession[] | null;
  job_kind: NonNullable<NotificationReply['job']>['kind'] | null;
  job_id: string | null;
  job_status: NonNullable<NotificationReply['job']>['status'] | null;
  job_link: string | null;
  job_finished_at: Date | null;
}

/** The posted sessions a digest names, oldest first, as families see them; a tombstoned (amended-away) one is left out. */
const DIGEST_SESSIONS = `CASE WHEN n.kind = 'digest' THEN (
    SELECT coalesce(jsonb_agg(jsonb_build_object('sessionId', s.session_id, 'startedAt', ${isoUtc('s.started_at')}, 'endedAt', ${isoUtc('s.ended_at')},
                                                 'service', s.service, 'providerName', s.provider_name) ORDER BY s.started_at, s.session_id), '[]'::jsonb)
      FROM ${S}.student_posted_session s WHERE s.digest_id = n.id AND NOT s.removed) END AS sessions`;

function isoUtc(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * Post-session tasks as session-log reports them, and the reminders they owe:
 * the provider when a task is past due, the school's admins once it is past
 * due by the district's escalation delay. Each notification is inserted at
 * most once (unique per task and kind), in the same transaction that checks
 * the task is still open, so retried, re-added or swept jobs never duplicate it.
 */
@Injectable()
export class RemindersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RemindersService.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    private readonly jobs: ReminderJobs,
    private readonly env: Environment,
    private readonly mailer: Mailer,
  ) {
    jobs.handleWith((job) => this.notify(job));
  }

  /** Mirrors an opened task; an event older than the mirror's state is ignored. */
  async opened(em: EntityManager, event: TaskOpened): Promise<void> {
    await em.execute(
      `insert into ${S}.task_mirror (task_id, district_id, session_id, kind, provider_id, school_id, provider_email, provider_language, due_at, open, changed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?)
       on conflict (task_id) do update set session_id = excluded.session_id, kind = excluded.kind, provider_id = excluded.provider_id,
              school_id = excluded.school_id, provider_email = coalesce(excluded.provider_email, ${S}.task_mirror.provider_email),
              provider_language = coalesce(excluded.provider_language, ${S}.task_mirror.provider_language),
              due_at = excluded.due_at, open = true, changed_at = excluded.changed_at
        where ${S}.task_mirror.changed_at <= excluded.changed_at`,
      [event.taskId, event.districtId, event.sessionId, event.kind, event.providerId, event.schoolId, event.providerEmail ?? null, event.providerLanguage ?? null, event.dueAt, event.changedAt],
    );
  }

  /** Adds the task's reminder and escalation jobs (after the mirror committed; again on a redelivery, harmlessly). */
  async scheduleJobs(event: TaskOpened): Promise<void> {
    const dueAt = new Date(event.dueAt);
    const hours = await this.transactions.run(event.districtId, (em) => this.escalationHours(em, event.districtId));
    await this.jobs.schedule({ districtId: event.districtId, taskId: event.taskId, kind: 'reminder' }, dueAt, dueAt);
    await this.jobs.schedule({ districtId: event.districtId, taskId: event.taskId, kind: 'escalation' }, dueAt, new Date(dueAt.getTime() + hours * 3_600_000));
  }

  async closed(em: EntityManager, event: TaskClosed): Promise<void> {
    // A close that overtakes its open still wins: the row waits, closed, for the open to arrive (and be ignored).
    await em.execute(
      `insert into ${S}.task_mirror (task_id, district_id, session_id, kind, provider_id, school_id, due_at, open, changed_at)
       values (?, ?, ?, 'unknown', ?, ?, 'infinity', false, ?)
       on conflict (task_id) do update set open = false, changed_at = excluded.changed_at
        where ${S}.task_mirror.changed_at <= excluded.changed_at`,
      [event.taskId, event.districtId, NIL, NIL, NIL, event.changedAt],
    );
  }

  /** A job's work: the notification when the task is still open and it is owed now; then its email, if one is owed. */
  async notify(job: ReminderJob): Promise<ReminderOutcome> {
    const outcome = await this.createNotification(job);
    if (outcome === 'done' && job.kind === 'reminder' && this.mailer.enabled) await this.emailReminder(job);
    return outcome;
  }

  private createNotification(job: ReminderJob): Promise<ReminderOutcome> {
    return this.transactions.run(job.districtId, async (em) => {
      const now = new Date();
      const [task] = await em.execute<{ due_at: Date; fires_at: Date }[]>(
        `select t.due_at, ${firesAt(job.kind)} as fires_at
           from ${S}.task_mirror t left join ${S}.district_replica d on d.district_id = t.district_id
          where t.task_id = ? and t.open`,
        [job.taskId],
      );
      if (!task) return 'done';
      if (new Date(task.fires_at) > now) return { retryAt: new Date(task.fires_at) };
      const created = await em.execute<{ id: string; task_kind: 'attendance' | 'notes'; session_id: string; provider_id: string; recipient_school_id: string | null; due_at: Date }[]>(
        `insert into ${S}.notification (id, district_id, kind, recipient_user_id, recipient_school_id, task_id, task_kind, session_id, provider_id, due_at)
         select ?, t.district_id, ?, ${job.kind === 'reminder' ? 't.provider_id' : 'null'}, ${job.kind === 'escalation' ? 't.school_id' : 'null'},
                t.task_id, t.kind, t.session_id, t.provider_id, t.due_at
           from ${S}.task_mirror t where t.task_id = ?
         on conflict do nothing returning id, task_kind, session_id, provider_id, recipient_school_id, due_at`,
        [randomUUID(), job.kind, job.taskId],
      );
      if (!created.length) return 'done';
      this.logger.log({ districtId: job.districtId, taskId: job.taskId, kind: job.kind }, 'post-session task notification created');
      const [escalation] = created;
      // The gateway knows the school's admins and their languages: it mails them upon this event (once per notification).
      if (job.kind === 'escalation' && escalation.recipient_school_id) {
        recordEvent(em, TASK_ESCALATED, {
          districtId: job.districtId,
          notificationId: escalation.id,
          taskId: job.taskId,
          taskKind: escalation.task_kind,
          sessionId: escalation.session_id,
          schoolId: escalation.recipient_school_id,
          providerId: escalation.provider_id,
          dueAt: new Date(escalation.due_at).toISOString(),
        });
      }
      return 'done';
    });
  }

  /**
   * Emails a reminder not emailed yet, when the provider's address is known
   * (escalations are mailed by the gateway, upon TASK_ESCALATED). A
   * failure fails the job, whose retry sends again; a crash between sending
   * and recording can send twice, never zero times.
   */
  private async emailReminder(job: ReminderJob): Promise<void> {
    const [owed] = await this.transactions.run(job.districtId, (em) =>
      em.execute<{ id: string; task_kind: string; due_at: Date; provider_email: string; provider_language: string | null }[]>(
        `select n.id, n.task_kind, n.due_at, t.provider_email, t.provider_language
           from ${S}.notification n join ${S}.task_mirror t on t.task_id = n.task_id
          where n.task_id = ? and n.kind = 'reminder' and n.emailed_at is null and t.provider_email is not null`,
        [job.taskId],
      ),
    );
    if (!owed) return;
    await this.mailer.send({ to: owed.provider_email, language: owed.provider_language, template: 'reminder', variables: { taskKind: owed.task_kind, dueAt: new Date(owed.due_at) } });
    await this.transactions.run(job.districtId, (em) => em.execute(`update ${S}.notification set emailed_at = now() where id = ? and emailed_at is null`, [owed.id]));
  }

  /**
   * Every 4 posted sessions a student attended, a digest for the student's
   * guardians naming those 4 (their student and client notes stay in
   * session-log; guardians read them there, under its note audiences), and
   * GUARDIAN_DIGEST_CREATED for the gateway to mail them. Applied once per
   * event (the caller's inbox).
   */
  sessionPosted(em: EntityManager, event: SessionPosted): Promise<void> {
    return this.countForDigests(em, event.districtId, event.snapshot);
  }

  /**
   * An amendment: a student it removed, or who no longer attended, is
   * tombstoned for the session (no digest counts it; one that named it stops
   * naming it); one it added counts. Versions apply in order: an older one
   * arriving late changes nothing.
   */
  sessionAmended(em: EntityManager, event: SessionAmended): Promise<void> {
    return this.countForDigests(em, event.districtId, event.snapshot);
  }

  private async countForDigests(em: EntityManager, districtId: string, snapshot: PostedSessionSnapshot): Promise<void> {
    const attended = [...new Set(snapshot.participants.filter((p) => p.kind === 'student' && p.attendanceStatus === 'attended').map((p) => p.personId))].sort();
    const [newer] = await em.execute(`select 1 from ${S}.student_posted_session where session_id = ? and session_version > ? limit 1`, [snapshot.sessionId, snapshot.version]);
    if (newer) return;
    const gone = await em.execute<{ digest_id: string | null }[]>(
      `update ${S}.student_posted_session set removed = true, session_version = ?
        where session_id = ? and not removed and not (student_id = any(?::uuid[])) returning digest_id`,
      [snapshot.version, snapshot.sessionId, pgArray(attended)],
    );
    for (const digestId of new Set(gone.map((g) => g.digest_id).filter((id): id is string => id !== null))) {
      await em.execute(`update ${S}.notification set session_ids = session_ids - ?::text where id = ?`, [snapshot.sessionId, digestId]);
    }
    const [replica] = await em.execute<{ settings: object }[]>(`select settings from ${S}.district_replica where district_id = ?`, [districtId]);
    const digests = settingsWithDefaults(replica?.settings).guardianDigestEnabled;
    for (const studentId of attended) {
      // Under a per-student lock, so two sessions posted at once are not both the 4th.
      await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`digest:${studentId}`]);
      const counted = await em.execute<{ pending: boolean }[]>(
        `insert into ${S}.student_posted_session as s (district_id, student_id, session_id, started_at, ended_at, service, provider_name, session_version)
         select ?, ?, ?, ?, ?, ?, ?, ? where ? or exists (select 1 from ${S}.student_posted_session where student_id = ? and session_id = ?)
         on conflict (district_id, student_id, session_id) do update
           set started_at = excluded.started_at, ended_at = excluded.ended_at, service = excluded.service, provider_name = excluded.provider_name,
               session_version = excluded.session_version, removed = false, digest_id = case when s.removed then null else s.digest_id end
         where s.session_version <= excluded.session_version
         returning s.digest_id is null as pending`,
        [districtId, studentId, snapshot.sessionId, snapshot.startedAt, snapshot.endedAt, snapshot.service, snapshot.providerName, snapshot.version, digests, studentId, snapshot.sessionId],
      );
      if (digests && counted[0]?.pending) await this.digestIfDue(em, districtId, studentId);
    }
  }

  private async digestIfDue(em: EntityManager, districtId: string, studentId: string): Promise<void> {
    const pending = await em.execute<{ session_id: string; started_at: Date; ended_at: Date | null; service: string | null; provider_name: string | null }[]>(
      `select session_id, started_at, ended_at, service, provider_name from ${S}.student_posted_session
        where student_id = ? and digest_id is null and not removed order by started_at, session_id limit 4`,
      [studentId],
    );
    if (pending.length < 4) return;
    const id = randomUUID();
    const sessionIds = pending.map((p) => p.session_id);
    await em.execute(`insert into ${S}.notification (id, district_id, kind, recipient_student_id, session_ids) values (?, ?, 'digest', ?, ?::jsonb)`, [
      id,
      districtId,
      studentId,
      JSON.stringify(sessionIds),
    ]);
    await em.execute(`update ${S}.student_posted_session set digest_id = ? where student_id = ? and session_id = any(?::uuid[])`, [id, studentId, pgArray(sessionIds)]);
    recordEvent(em, GUARDIAN_DIGEST_CREATED, {
      districtId,
      notificationId: id,
      studentId,
      sessions: pending.map((p) => ({
        sessionId: p.session_id,
        startedAt: new Date(p.started_at).toISOString(),
        endedAt: p.ended_at ? new Date(p.ended_at).toISOString() : null,
        service: p.service,
        providerName: p.provider_name,
      })),
    });
  }

  /**
   * The starter's notice that their job finished: inserted once per job (the
   * unique key), so a retried job or a redelivered event answers the notice
   * already made, whatever status it reports the second time.
   */
  async announceJobFinished(command: AnnounceJobFinishedCommand): Promise<NotificationReply> {
    const { districtId, recipientUserId, job } = command;
    return this.transactions.run(districtId, async (em) => {
      const created = await em.execute<{ id: string }[]>(
        `insert into ${S}.notification (id, district_id, kind, recipient_user_id, job_kind, job_id, job_status, job_link, job_finished_at)
         values (?, ?, 'job-finished', ?, ?, ?, ?, ?, ?)
         on conflict (district_id, job_kind, job_id) where kind = 'job-finished' do nothing returning id`,
        [randomUUID(), districtId, recipientUserId, job.kind, job.id, job.status, job.link, job.finishedAt],
      );
      if (created.length) this.logger.log({ districtId, jobKind: job.kind, jobId: job.id, status: job.status }, 'job-finished notification created');
      const [row] = await em.execute<NotificationRow[]>(
        `select n.*, null as sessions from ${S}.notification n where n.kind = 'job-finished' and n.job_kind = ? and n.job_id = ?`,
        [job.kind, job.id],
      );
      return toReply(row);
    });
  }

  /** Newest first, ties by id: a stable order to page through. */
  async list(command: ListNotificationsCommand): Promise<Page<NotificationReply>> {
    const { actor, studentIds, unread, kind, updatedSince } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const [visible, params] = visibleTo(actor, studentIds);
      const clauses = [visible];
      if (unread) clauses.push('n.read_at is null');
      if (kind) {
        clauses.push('n.kind = ?');
        params.push(kind);
      }
      if (updatedSince) {
        // greatest() skips nulls: a notification changes when it is created, read or e-mailed.
        clauses.push('greatest(n.created_at, n.read_at, n.emailed_at) >= ?');
        params.push(updatedSince);
      }
      const where = clauses.join(' and ');
      const [{ total }] = await em.execute<{ total: number }[]>(`select count(*)::int as total from ${S}.notification n where ${where}`, params);
      const rows = await em.execute<NotificationRow[]>(
        `select n.*, ${DIGEST_SESSIONS} from ${S}.notification n where ${where} order by n.created_at desc, n.id limit ? offset ?`,
        [...params, command.pageSize, (command.page - 1) * command.pageSize],
      );
      return pageOf(rows.map(toReply), total, command);
    });
  }

  async markRead(actor: ActorSnapshot, notificationId: string, studentIds: string[]): Promise<NotificationReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [clause, params] = visibleTo(actor, studentIds);
      const [updated] = await em.execute<{ id: string }[]>(
        `update ${S}.notification n set read_at = coalesce(n.read_at, now()) where n.id = ? and ${clause} returning id`,
        [notificationId, ...params],
      );
      if (!updated) throw new NotFound('notification', notificationId);
      const [row] = await em.execute<NotificationRow[]>(`select n.*, ${DIGEST_SESSIONS} from ${S}.notification n where n.id = ?`, [updated.id]);
      return toReply(row);
    });
  }

  onApplicationBootstrap(): void {
    // A pass at boot: jobs Redis lost while the service was down are added again at once.
    if (this.env.REMINDER_SWEEP_INTERVAL_MS > 0) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.sweep()
        .catch((error: unknown) => this.logger.warn({ reason: (error as Error).message }, 'reminder sweep failed; retrying next interval'))
        .finally(() => this.schedule(this.env.REMINDER_SWEEP_INTERVAL_MS));
    }, delayMs);
  }

  /**
   * Open tasks whose reminder or escalation is owed and missing, under an
   * advisory lock (one replica at a time): their jobs are run now. Covers a
   * job lost with Redis, and an escalation delay the district shortened.
   */
  async sweep(): Promise<number> {
    return this.orm.em.fork({ clear: true }).transactional(async (tx) => {
      const [{ locked }] = await tx.execute<{ locked: boolean }[]>(`select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as locked`, [LOCK_KEY]);
      if (!locked) return 0;
      const rows = await tx.execute<{ district_id: string; task_id: string; kind: ReminderKind; due_at: Date }[]>(
        `select district_id, task_id, kind, due_at from ${S}.missing_task_notifications(?, ?)`,
        [new Date(), 5_000],
      );
      for (const row of rows) {
        await this.jobs.runNow({ districtId: row.district_id, taskId: row.task_id, kind: row.kind }, new Date(row.due_at));
      }
      if (rows.length) this.logger.warn({ jobs: rows.length }, 'reminder sweep ran owed reminder jobs now (lost from Redis, or not yet run)');
      return rows.length;
    });
  }

  private async escalationHours(em: EntityManager, districtId: string): Promise<number> {
    const [row] = await em.execute<{ hours: number }[]>(`select ${ESCALATION_HOURS} as hours from ${S}.district_replica d where d.district_id = ?`, [districtId]);
    return row?.hours ?? 24;
  }
}

const NIL = '00000000-0000-0000-0000-000000000000';

function firesAt(kind: ReminderKind): string {
  return kind === 'reminder' ? 't.due_at' : `t.due_at + make_interval(hours => ${ESCALATION_HOURS})`;
}

/**
 * A user's own notifications; an admin's also the escalations of the schools
 * they administer; a guardian's the digests of their students (as the gateway resolved them).
 */
function visibleTo(actor: ActorSnapshot, studentIds: string[]): [string, unknown[]] {
  const students = actor.roles.includes('guardian') ? studentIds : [];
  const digests = `(n.kind = 'digest' and n.recipient_student_id = any(?::uuid[]))`;
  if (actor.roles.includes('district_admin')) return [`(n.recipient_user_id = ? or n.kind = 'escalation' or ${digests})`, [actor.userId, pgArray(students)]];
  const schools = actor.roles.includes('school_admin') ? actor.schoolIds : [];
  return [
    `(n.recipient_user_id = ? or (n.kind = 'escalation' and n.recipient_school_id = any(?::uuid[])) or ${digests})`,
    [actor.userId, pgArray(schools), pgArray(students)],
  ];
}

/** A PostgreSQL array literal of uuids, bound as one parameter (MikroORM would spread a JS array into a list). */
function pgArray(values: string[]): string {
  return `{${values.join(',')}}`;
}

function toReply(row: NotificationRow): NotificationReply {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return {
    id: row.id,
    kind: row.kind,
    recipientUserId: row.recipient_user_id,
    recipientSchoolId: row.recipient_school_id,
    recipientStudentId: row.recipient_student_id,
    sessionIds: row.session_ids,
    sessions: row.sessions ?? null,
    taskId: row.task_id,
    taskKind: row.task_kind,
    sessionId: row.session_id,
    providerId: row.provider_id,
    dueAt: iso(row.due_at),
    job:
      row.kind === 'job-finished' && row.job_kind && row.job_id && row.job_status
        ? { kind: row.job_kind, id: row.job_id, status: row.job_status, link: row.job_link, finishedAt: iso(row.job_finished_at) as string }
        : null,
    createdAt: iso(row.created_at) as string,
    readAt: iso(row.read_at),
    emailedAt: iso(row.emailed_at),
  };
}
