import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Environment } from '@sessionledger/config';
import { FinishedJob, GuardianDigestCreated, StateExportFinished, TaskEscalated } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { Mailer, MailLanguage, MailVariables } from '@sessionledger/platform';

type EventMail = 'escalation' | 'digest' | 'export-ready' | 'job-finished';

interface Recipient {
  user_id: string;
  email: string;
  language: MailLanguage;
}

interface Delivery<K extends EventMail> {
  template: K;
  /** What the mail is about (the notification, the export): with the recipient, the key that keeps it single. */
  subjectId: string;
  /** The recipients' user ids, read from the directory the first time the event arrives. */
  recipients: (em: EntityManager) => Promise<string[]>;
  /** The message's variables, from the event and the directory (never notes). */
  variables: (em: EntityManager, timeZone: string) => Promise<MailVariables[K]>;
}

const ACTIVE = `u.status = 'active'`;

/**
 * The e-mails other services' events call for, sent by the gateway because
 * it owns the directory: who administers a school, who guards a student,
 * each account's address and language. Scheduling and state reporting keep
 * no copy of them.
 *
 * Each message is sent once per subject and recipient: the first delivery of
 * an event settles the recipients (rows of `gateway.mail_delivery`); every
 * delivery then sends those not sent yet and marks them. A refused send fails
 * the event's job, whose retry sends the rest; a crash between a send and its
 * mark may send that one twice, never none.
 */
@Injectable()
export class NotificationMail {
  private readonly logger = new Logger(NotificationMail.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly mailer: Mailer,
    private readonly env: Environment,
  ) {}

  /** The school's admins (its district's admins when it has none) learn of an overdue task. */
  escalated(event: TaskEscalated): Promise<number> {
    return this.deliver(event.districtId, {
      template: 'escalation',
      subjectId: event.notificationId,
      recipients: async (em) => {
        const schoolAdmins = await em.execute<{ id: string }[]>(
          `select u.id from gateway.app_user u join gateway.staff_approval a on a.user_id = u.id
            where a.school_id = ? and 'school_admin' = any(u.roles) and ${ACTIVE}`,
          [event.schoolId],
        );
        if (schoolAdmins.length) return schoolAdmins.map((r) => r.id);
        const districtAdmins = await em.execute<{ id: string }[]>(`select u.id from gateway.app_user u where 'district_admin' = any(u.roles) and ${ACTIVE}`);
        return districtAdmins.map((r) => r.id);
      },
      variables: async (em, timeZone) => {
        const [school] = await em.execute<{ name: string }[]>(`select name from gateway.school where id = ?`, [event.schoolId]);
        const [provider] = await em.execute<{ name: string }[]>(`select first_name || ' ' || last_name as name from gateway.app_user where id = ?`, [event.providerId]);
        return {
          taskKind: event.taskKind,
          dueAt: new Date(event.dueAt),
          schoolName: school?.name ?? '—',
          providerName: provider?.name ?? '—',
          link: this.link(`sessions/${event.sessionId}`),
          timeZone,
        };
      },
    });
  }

  /** The student's guardians who sign in get the digest of their own child's sessions. */
  digestCreated(event: GuardianDigestCreated): Promise<number> {
    return this.deliver(event.districtId, {
      template: 'digest',
      subjectId: event.notificationId,
      recipients: async (em) => {
        const guardians = await em.execute<{ id: string }[]>(
          `select distinct u.id from gateway.guardian_student gs
             join gateway.guardian g on g.id = gs.guardian_id and g.active
             join gateway.app_user u on u.id = g.user_id
            where gs.student_id = ? and 'guardian' = any(u.roles) and ${ACTIVE}`,
          [event.studentId],
        );
        return guardians.map((r) => r.id);
      },
      variables: async (em, timeZone) => {
        const [student] = await em.execute<{ first_name: string }[]>(`select first_name from gateway.student where id = ?`, [event.studentId]);
        return {
          studentFirstName: student?.first_name ?? '—',
          sessions: event.sessions.map((s) => ({ startedAt: new Date(s.startedAt), service: s.service, providerName: s.providerName, link: this.link(`sessions/${s.sessionId}`) })),
          link: this.link('family'),
          timeZone,
        };
      },
    });
  }

  /** Whoever started a state export learns it can be downloaded (a failed one is not mailed: its status says why). */
  async exportFinished(event: StateExportFinished): Promise<number> {
    if (event.status !== 'done') return 0;
    return this.deliver(event.districtId, {
      template: 'export-ready',
      subjectId: event.exportId,
      recipients: async (em) => {
        const requester = await em.execute<{ id: string }[]>(`select u.id from gateway.app_user u where u.id = ? and ${ACTIVE}`, [event.requestedBy]);
        return requester.map((r) => r.id);
      },
      variables: async (_em, timeZone) => ({
        format: event.format,
        recordCount: event.records ?? 0,
        finishedAt: new Date(event.finishedAt),
        link: this.link(`admin/state-reporting?export=${event.exportId}`),
        timeZone,
      }),
    });
  }

  /**
   * The starter of a long job learns it finished, when they asked for these
   * mails (`jobMail`, off by default: the in-app notice always comes).
   */
  jobFinished(districtId: string, startedBy: string, job: FinishedJob): Promise<number> {
    return this.deliver(districtId, {
      template: 'job-finished',
      subjectId: job.id,
      recipients: async (em) => {
        const starter = await em.execute<{ id: string }[]>(`select u.id from gateway.app_user u where u.id = ? and u.job_mail and ${ACTIVE}`, [startedBy]);
        return starter.map((r) => r.id);
      },
      variables: async (_em, timeZone) => ({
        jobKind: job.kind,
        succeeded: job.status === 'succeeded',
        finishedAt: new Date(job.finishedAt),
        link: job.link ? this.link(job.link.replace(/^\/+/, '')) : null,
        timeZone,
      }),
    });
  }

  /** Settles the recipients once, then sends what is not sent yet; answers how many it sent now. */
  private async deliver<K extends EventMail>(districtId: string, delivery: Delivery<K>): Promise<number> {
    // No mail leaves this installation: nothing is recorded either, as for reminders.
    if (!this.mailer.enabled) return 0;
    const { owed, variables } = await this.transactions.run(districtId, async (em) => {
      const [settled] = await em.execute(`select 1 from gateway.mail_delivery where template = ? and subject_id = ? limit 1`, [delivery.template, delivery.subjectId]);
      if (!settled) {
        for (const userId of await delivery.recipients(em)) {
          await em.execute(`insert into gateway.mail_delivery (district_id, template, subject_id, user_id) values (?, ?, ?, ?) on conflict do nothing`, [
            districtId,
            delivery.template,
            delivery.subjectId,
            userId,
          ]);
        }
      }
      // The address and language as they are now: an account that changed either since is mailed at the new one.
      const owed = await em.execute<Recipient[]>(
        `select u.id as user_id, u.email, u.language from gateway.mail_delivery m join gateway.app_user u on u.id = m.user_id
          where m.template = ? and m.subject_id = ? and m.sent_at is null and ${ACTIVE} order by u.id`,
        [delivery.template, delivery.subjectId],
      );
      if (!owed.length) return { owed, variables: undefined };
      const [district] = await em.execute<{ time_zone: string }[]>(`select time_zone from gateway.district where id = ?`, [districtId]);
      return { owed, variables: await delivery.variables(em, district?.time_zone ?? 'UTC') };
    });
    if (!variables) return 0;
    for (const recipient of owed) {
      await this.mailer.send<K>({ to: recipient.email, language: recipient.language, template: delivery.template, variables });
      await this.transactions.run(districtId, (em) =>
        em.execute(`update gateway.mail_delivery set sent_at = now() where template = ? and subject_id = ? and user_id = ? and sent_at is null`, [
          delivery.template,
          delivery.subjectId,
          recipient.user_id,
        ]),
      );
    }
    this.logger.log({ districtId, template: delivery.template, recipients: owed.length }, 'event e-mails sent');
    return owed.length;
  }

  private link(path: string): string {
    return `${this.env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/${path}`;
  }
}
