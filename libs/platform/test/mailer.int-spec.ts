import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { Environment, loadEnvironment } from '@sessionledger/config';
import { Mailer, MAIL_LANGUAGES, MailTemplate, MailVariables, renderMail } from '@sessionledger/platform';
import { MailServer, startMailServer } from '@sessionledger/testing';

const expiresAt = new Date('2027-03-14T15:00:00Z');
const SAMPLES: { [K in MailTemplate]: MailVariables[K] } = {
  invitation: { firstName: 'Zoë', districtName: 'Demo District', link: 'http://127.0.0.1:3000/invitation#token=abc', expiresAt },
  'password-reset': { firstName: 'Zoë', link: 'http://127.0.0.1:3000/password-reset#token=abc', expiresAt },
  reminder: { taskKind: 'notes', dueAt: expiresAt },
  escalation: { taskKind: 'attendance', dueAt: expiresAt, schoolName: 'Lincoln Elementary', providerName: 'Pat Lee', link: 'http://127.0.0.1:3000/sessions/1', timeZone: 'America/Chicago' },
  digest: {
    studentFirstName: 'Ana',
    sessions: [
      { startedAt: expiresAt, service: 'tutoring', providerName: 'Pat Lee', link: 'http://127.0.0.1:3000/sessions/1' },
      { startedAt: expiresAt, service: null, providerName: null, link: 'http://127.0.0.1:3000/sessions/2' },
    ],
    link: 'http://127.0.0.1:3000/',
    timeZone: 'America/Chicago',
  },
  'export-ready': { format: 'csv', recordCount: 12, finishedAt: expiresAt, link: 'http://127.0.0.1:3000/reporting/exports/1' },
  'job-finished': { jobKind: 'roster-import', succeeded: false, finishedAt: expiresAt, link: 'http://127.0.0.1:3000/admin/roster-imports?import=1', timeZone: 'America/Chicago' },
};

function environment(overrides: Record<string, string>): Environment {
  return loadEnvironment({ NODE_ENV: 'test', ...overrides });
}

describe('Mailer (nodemailer, one set of templates)', () => {
  let server: MailServer;

  beforeAll(async () => {
    server = await startMailServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('delivers through the configured server with STARTTLS and authentication, from SMTP_FROM', async () => {
    const mailer = new Mailer(environment({ SMTP_URL: server.url, SMTP_FROM: 'Sessionledger <no-reply@district.test>' }));
    try {
      expect(mailer.enabled).toBe(true);
      await mailer.send({ to: 'ana@district.test', template: 'invitation', variables: SAMPLES.invitation });
      const mail = await server.next('ana@district.test');
      expect(mail).toMatchObject({ from: 'no-reply@district.test', secure: true, user: 'sessionledger', subject: 'You are invited to Sessionledger (Demo District)' });
      expect(mail.text).toContain('http://127.0.0.1:3000/invitation#token=abc');
      expect(mail.text).toContain('Hello Zoë');
    } finally {
      mailer.onApplicationShutdown();
    }
  });

  it('writes the recipient’s language: Spanish for "es", English for anything unknown', async () => {
    const mailer = new Mailer(environment({ SMTP_URL: server.url }));
    try {
      await mailer.send({ to: 'es@district.test', language: 'es', template: 'password-reset', variables: SAMPLES['password-reset'] });
      await mailer.send({ to: 'xx@district.test', language: 'fr', template: 'password-reset', variables: SAMPLES['password-reset'] });
      expect((await server.next('es@district.test')).subject).toBe('Restablezca su contraseña de Sessionledger');
      expect((await server.next('xx@district.test')).subject).toBe('Reset your Sessionledger password');
    } finally {
      mailer.onApplicationShutdown();
    }
  });

  it('refuses (rejects) when the server refuses the credentials, so a job retries', async () => {
    const mailer = new Mailer(environment({ SMTP_URL: server.url.replace('smtp-test-password', 'wrong') }));
    try {
      await expect(mailer.send({ to: 'a@district.test', template: 'digest', variables: SAMPLES.digest })).rejects.toThrow();
    } finally {
      mailer.onApplicationShutdown();
    }
  });

  it('without SMTP_URL writes .eml files to MAIL_DIR, and without either sends nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sl-mail-'));
    try {
      const mailer = new Mailer(environment({ MAIL_DIR: dir }));
      await mailer.send({ to: 'b@district.test', language: 'es', template: 'escalation', variables: SAMPLES.escalation });
      const [file, ...more] = await readdir(dir);
      expect(more).toEqual([]);
      expect(file).toMatch(/escalation.*\.eml$/);
      const parsed = await simpleParser(await readFile(join(dir, file)));
      expect(parsed.subject).toBe('Asistencia pendiente en Lincoln Elementary');
      expect(new Mailer(environment({})).enabled).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has every template in every language, each with a subject and a body', () => {
    for (const template of Object.keys(SAMPLES) as MailTemplate[]) {
      for (const language of MAIL_LANGUAGES) {
        const { subject, text } = renderMail(template, language, SAMPLES[template] as never);
        expect(subject.length).toBeGreaterThan(5);
        expect(text.length).toBeGreaterThan(20);
        expect(subject).not.toMatch(/undefined|NaN|\n/);
        expect(text).not.toMatch(/undefined|NaN/);
      }
    }
  });

  it('validates SMTP_URL: smtp:// and smtps:// with credentials pass, other schemes stop the app naming it', () => {
    expect(environment({ SMTP_URL: 'smtps://user:secret@mail.district.test:465' }).SMTP_URL).toBe('smtps://user:secret@mail.district.test:465');
    expect(environment({ SMTP_URL: 'smtp://relay:25' }).SMTP_URL).toBe('smtp://relay:25');
    expect(() => environment({ SMTP_URL: 'http://mail.district.test' })).toThrow(/SMTP_URL/);
  });
});
