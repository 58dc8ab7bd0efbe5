import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { currentTestRun, databaseUrl, MailServer, startApp, startMailServer, stopApps, waitFor } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { JobAnnouncements } from '../src/notifications/job-announcements';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

const APP = 'https://sessionledger.district.test';
const SAMPLE = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'sample_constructed_v1.2');

interface JobNotice {
  id: string;
  kind: string;
  recipientUserId: string | null;
  readAt: string | null;
  job: { kind: string; id: string; status: string; link: string | null; finishedAt: string } | null;
}

jest.setTimeout(240_000);

/**
 * A long job's starter is told when it finished: one in-app notification
 * (GET /api/me/notifications, kind `job-finished`) for them alone, and an
 * e-mail in their language only when they asked for one (`jobMail`). A real
 * SMTP server reads what was sent.
 */
describe('Finished jobs announced to whoever started them (roster import, state export)', () => {
  let sink: MailServer;
  let gateway: NestFastifyApplication;
  let scheduling: NestFastifyApplication;
  let stateReporting: NestFastifyApplication;

  beforeAll(async () => {
    sink = await startMailServer();
    process.env.SMTP_URL = sink.url;
    process.env.PUBLIC_BASE_URL = APP;
    gateway = await startGateway({ RPC_TIMEOUT_MS: '5000', OUTBOX_RELAY_ENABLED: 'true' });
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') }, { OUTBOX_RELAY_ENABLED: 'true' });
  });

  afterAll(async () => {
    await stopApps(stateReporting, scheduling, gateway);
    await sink?.close();
    delete process.env.SMTP_URL;
    delete process.env.PUBLIC_BASE_URL;
  });

  const api = (who: Session) => as(gateway, who);

  async function jobNotices(who: Session): Promise<JobNotice[]> {
    const response = await api(who).get('/api/me/notifications?kind=job-finished&pageSize=200').expect(200);
    const items = response.body.items as JobNotice[];
    expect(items.every((n) => n.kind === 'job-finished')).toBe(true);
    return items;
  }

  /** Every job notice of the district, whoever may read it: what "nobody else" is checked against. */
  function storedNotices(districtId: string) {
    return scheduling
      .get(TenantTransactions)
      .run(districtId, (em) => em.execute<{ recipient_user_id: string; job_id: string }[]>(`select recipient_user_id, job_id from scheduling.notification where kind = 'job-finished'`));
  }

  async function districtWithAdmins(): Promise<{ district: TestDistrict; starter: Session; colleague: Session; colleagueEmail: string }> {
    const district = await createDistrict(gateway, 1);
    const colleague = await district.user(['district_admin']);
    await gateway.get(TenantTransactions).run(district.id, (em) => em.execute(`update gateway.app_user set job_mail = true where id = ?`, [colleague.id]));
    return { district, starter: await signIn(gateway, district.admin.email), colleague: await signIn(gateway, colleague.email), colleagueEmail: colleague.email };
  }

  function sampleRoster(): Record<string, string> {
    const suffix = randomBytes(4).toString('hex');
    const files = Object.fromEntries(readdirSync(SAMPLE).filter((name) => name.endsWith('.csv')).map((name) => [name, readFileSync(join(SAMPLE, name), 'utf8')]));
    // Addresses are unique across the installation.
    files['users.csv'] = files['users.csv'].replace('jordan.lee@example.org', `jordan.lee@${suffix}.example.org`);
    return files;
  }

  async function importRoster(admin: Session): Promise<string> {
    const started = await api(admin).post('/api/roster/imports').send({ files: sampleRoster() }).expect(202);
    let status = started.body.status as string;
    await waitFor(async () => {
      status = (await api(admin).get(`/api/roster/imports/${started.body.id}`).expect(200)).body.status;
      return status === 'succeeded' || status === 'failed';
    }, 150_000, 250);
    expect(status).toBe('succeeded');
    return started.body.id as string;
  }

  it('tells the admin who started a roster import, once, that it finished, linking to it; no colleague, no other district, and e-mail only once asked for, in their language', async () => {
    const { district, starter, colleague, colleagueEmail } = await districtWithAdmins();
    const elsewhere = await createDistrict(gateway, 1);
    const otherAdmin = await signIn(gateway, elsewhere.admin.email);

    expect((await api(starter).get('/api/me/preferences').expect(200)).body).toEqual({ language: 'en', jobMail: false });
    const firstImport = await importRoster(starter);
    await waitFor(async () => (await jobNotices(starter)).length === 1, 30_000);
    const [notice] = await jobNotices(starter);
    expect(notice).toMatchObject({
      recipientUserId: district.admin.id,
      readAt: null,
      job: { kind: 'roster-import', id: firstImport, status: 'succeeded', link: `/admin/roster-imports?import=${firstImport}` },
    });
    expect(await jobNotices(colleague)).toEqual([]);
    expect(await jobNotices(otherAdmin)).toEqual([]);
    expect(await storedNotices(elsewhere.id)).toEqual([]);
    // Not asked for: no e-mail, even though this installation sends e-mail.
    expect(sink.to(district.admin.email)).toEqual([]);

    // Announced again, as a redelivered event would: still the one notice, still no e-mail.
    const again = await gateway.get(JobAnnouncements).announce(district.id, district.admin.id, notice.job as never);
    expect(again.id).toBe(notice.id);
    expect(await storedNotices(district.id)).toEqual([{ recipient_user_id: district.admin.id, job_id: firstImport }]);

    // Asked for, in Spanish: the next import is mailed, once, with the link to its screen.
    expect((await api(starter).put('/api/me/preferences').send({ language: 'es', jobMail: true }).expect(200)).body).toEqual({ language: 'es', jobMail: true });
    const secondImport = await importRoster(starter);
    const mail = await sink.next(district.admin.email);
    expect(mail.subject).toBe('La importación del padrón que inició terminó');
    expect(mail.text).toContain(`${APP}/admin/roster-imports?import=${secondImport}`);
    await waitFor(async () => (await jobNotices(starter)).length === 2, 30_000);
    expect((await jobNotices(starter)).map((n) => n.job?.id)).toEqual([secondImport, firstImport]);
    const repeated = await jobNotices(starter);
    await gateway.get(JobAnnouncements).announce(district.id, district.admin.id, repeated[0].job as never);
    expect(sink.to(district.admin.email)).toHaveLength(1);
    // A colleague who asked for these mails gets none for a job they did not start.
    expect(sink.to(colleagueEmail)).toEqual([]);
    expect(await jobNotices(colleague)).toEqual([]);

    // Read once, it leaves the unread list the header counts.
    await api(starter).post(`/api/me/notifications/${notice.id}/read`).expect(200);
    const unread = (await api(starter).get('/api/me/notifications?unread=true&kind=job-finished').expect(200)).body.items as JobNotice[];
    expect(unread.map((n) => n.job?.id)).toEqual([secondImport]);
  });

  it('tells the admin who started a state export that failed, once, and mails them only because they asked', async () => {
    const { district, starter, colleague } = await districtWithAdmins();
    await api(starter).put('/api/me/preferences').send({ jobMail: true }).expect(200);
    const poison = `Poisoned recipient ${randomBytes(4).toString('hex')}`;
    const trigger = `job_notice_fail_${randomBytes(4).toString('hex')}`;
    const pg = new Client({ connectionString: databaseUrl(currentTestRun().database) });
    await pg.connect();
    try {
      // Every attempt fails as it finishes, as an export whose process dies would.
      await pg.query(`CREATE FUNCTION state_reporting.${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.status = 'done' AND NEW.recipient = '${poison}' THEN RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$`);
      await pg.query(`CREATE TRIGGER ${trigger} BEFORE UPDATE ON state_reporting.state_export FOR EACH ROW EXECUTE FUNCTION state_reporting.${trigger}()`);
      const started = await api(starter)
        .post('/api/reporting/exports')
        .send({ format: 'csv', from: '2026-01-01', to: '2026-01-31', recipient: poison, purpose: 'Quarterly tutoring report' })
        .expect(202);
      await waitFor(async () => (await api(starter).get(`/api/reporting/exports/${started.body.id}`).expect(200)).body.status === 'failed', 60_000, 250);

      const mail = await sink.next(district.admin.email);
      expect(mail.subject).toBe('Your state export failed');
      expect(mail.text).toContain(`${APP}/admin/state-reporting?export=${started.body.id}`);
      await waitFor(async () => (await jobNotices(starter)).length === 1, 30_000);
      expect((await jobNotices(starter))[0].job).toMatchObject({ kind: 'state-export', id: started.body.id, status: 'failed', link: `/admin/state-reporting?export=${started.body.id}` });
      expect(await jobNotices(colleague)).toEqual([]);
      expect(await storedNotices(district.id)).toEqual([{ recipient_user_id: district.admin.id, job_id: started.body.id }]);
      // The queue's own failure report after the job's: still one mail.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(sink.to(district.admin.email)).toHaveLength(1);
    } finally {
      await pg.query(`DROP TRIGGER IF EXISTS ${trigger} ON state_reporting.state_export`);
      await pg.query(`DROP FUNCTION IF EXISTS state_reporting.${trigger}()`);
      await pg.end();
    }
  });
});
