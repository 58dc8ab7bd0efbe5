import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { writeZip } from '../../gateway/src/roster/zip/zip-writer';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots as photograph, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

const ZONE = 'America/Chicago';
const TEMPLATES = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'templates_constructed', 'v1.1');
const ACTIVE = ['active', '2025-08-01T00:00:00Z'];
const DETENTION = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };
const PURPOSE = 'Extended learning attendance report';
const NOTE = 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.';

/**
 * Every import runs in a child process that compiles the import code with ts-node on start (apps/gateway/test/roster-import.e2e-spec.ts):
 * on two loaded cores that alone has taken more than a minute. A bound, not an expectation.
 */
const IMPORT_TIMEOUT = 150_000;

/** A modal is photographed and checked after its opening transition (mid-fade its colours are neither the page's nor its own). */
const MODAL_SETTLED = `[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => getComputedStyle(el).opacity === '1')`;

/** A CSV text from a header and rows; fields with commas or quotes are quoted. */
function csv(header: string, rows: string[][]): string {
  const quote = (field: string) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
  return [header, ...rows.map((row) => row.map(quote).join(','))].join('\n') + '\n';
}

/**
 * A small OneRoster 1.1 export: one school, a teacher, two students and a
 * parent, one class; the third student's grade is not a grade, so users.csv
 * line 5 is a row error and the rest imports.
 */
function rosterZip(suffix: string, schoolCode: string): Buffer {
  const header = (name: string) => readFileSync(join(TEMPLATES, name), 'utf8').split(/\r?\n/)[0];
  return writeZip({
    'manifest.csv': 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n',
    'orgs.csv': csv(header('orgs.csv'), [
      ['d1', ...ACTIVE, 'Roster District', 'district', '5550000', ''],
      ['s-north', ...ACTIVE, 'North Elementary', 'school', schoolCode, 'd1'],
    ]),
    // sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
    'users.csv': csv(header('users.csv'), [
      ['t1', ...ACTIVE, 'true', 's-north', 'teacher', 'tnash', '', 'Tova', 'Nash', '', 'T1', `tova.nash@${suffix}.example.org`, '', '', '', '', ''],
      ['st1', ...ACTIVE, 'true', 's-north', 'student', 'rio1', '', 'Rio', `Quill${suffix}`, '', `R1${suffix}`, '', '', '', 'p1', '03', ''],
      ['st2', ...ACTIVE, 'true', 's-north', 'student', 'sol2', '', 'Sol', `Quill${suffix}`, '', `R2${suffix}`, '', '', '', '', '04', ''],
      ['st3', ...ACTIVE, 'true', 's-north', 'student', 'ty3', '', 'Ty', `Quill${suffix}`, '', `R3${suffix}`, '', '', '', '', 'Grade Nine', ''],
      ['p1', ...ACTIVE, 'true', '', 'parent', 'pquill', '', 'Pat', `Quill${suffix}`, '', '', `pat.quill@${suffix}.example.org`, '', '555-0100', 'st1', '', ''],
    ]),
    'classes.csv': csv(header('classes.csv'), [['c1', ...ACTIVE, 'Reading North', '03', '', 'RN', 'scheduled', '', 's-north', '', '', '', '']]),
    'enrollments.csv': csv(header('enrollments.csv'), [
      ['e1', ...ACTIVE, 'c1', 's-north', 't1', 'teacher', 'true', '', ''],
      ['e2', ...ACTIVE, 'c1', 's-north', 'st1', 'student', 'false', '', ''],
      ['e3', ...ACTIVE, 'c1', 's-north', 'st2', 'student', 'false', '', ''],
    ]),
  });
}

/** The district's calendar day `days` from now, `YYYY-MM-DD`. */
function districtDay(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/** The instant of a wall-clock time on a district day (the offset looked up at that day's noon). */
function districtInstant(day: string, time: string): Date {
  const noon = new Date(`${day}T12:00:00Z`);
  const wall = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(noon);
  const [h, m] = wall.split(':').map(Number);
  const offsetMinutes = h * 60 + m - 12 * 60;
  return new Date(new Date(`${day}T${time}:00Z`).getTime() - offsetMinutes * 60_000);
}

/** The whole page from its top: scrolled down, the shell's fixed header would be pictured mid-page. */
async function screenshots(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string[]> {
  if (options.fullPage !== false) await page.evaluate('window.scrollTo(0, 0)');
  return photograph(page, name, options);
}

interface ReportingPage<T> {
  items: T[];
  total: number;
}

/**
 * Roster import and state reporting in Chromium against the whole platform.
 * A district admin uploads a small OneRoster zip: the dry run shows the row
 * error (file, line, column, reason) and the counts and writes nothing; the
 * same file applied behind a confirmation runs with its progress bar to the
 * counts, and the students it created are read back through the API. Then a
 * CSV state export of the dates holding a posted session is started, followed
 * to the end and downloaded (its rows checked), and the session posted
 * without a work order is listed as left out, with its reason and a link to
 * it; the student's disclosure is listed. A provider is offered neither
 * screen. Axe and three widths on every screen.
 */
describe('Web app: roster import and state reporting', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let admin: Session;
  let provider: TestUser;
  let page: Page;
  let suffix: string;
  let eligible: { id: string };
  let ineligible: { id: string };
  let ada: { id: string; firstName: string; lastName: string };

  /** A complete 45-minute group session started at `time` on `day`, posted by the tutor. */
  async function postSession(tutor: Session, groupId: string, workOrderId: string | undefined, day: string, time: string) {
    const startedAt = districtInstant(day, time);
    const started = await as(platform.gateway, tutor)
      .post('/api/sessions')
      .send({ service: 'tutoring', groupId, ...(workOrderId ? { workOrderId } : {}), startedAt: startedAt.toISOString() });
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    for (const p of started.body.participants as { id: string }[]) {
      await as(platform.gateway, tutor).patch(`/api/sessions/${started.body.id}/participants/${p.id}`).send({ version: 1, present: true, qualifiers: DETENTION, studentNote: NOTE }).expect(200);
    }
    await as(platform.gateway, tutor)
      .post(`/api/sessions/${started.body.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    const posted = await as(platform.gateway, tutor).post(`/api/sessions/${started.body.id}/post`).send({ password: TEST_PASSWORD });
    if (posted.status !== 200) throw new Error(`post answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    return started.body as { id: string };
  }

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    suffix = randomBytes(3).toString('hex');
    const school = district.schools[0].id;
    admin = await signIn(platform.gateway, district.admin.email);
    provider = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Pia' });
    const students = await Promise.all(['Ada', 'Ben', 'Cal', 'Dee'].map((firstName) => addStudent(platform.gateway, admin, school, { firstName })));
    ada = students[0];
    const group = await addGroup(platform.gateway, admin, school, provider.id, students.map((s) => s.id));
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: provider.id, schoolId: school });
    const tutor = await signIn(platform.gateway, provider.email);
    const day = districtDay(-2);
    eligible = await postSession(tutor, group.id, workOrder.id, day, '13:00');
    ineligible = await postSession(tutor, group.id, undefined, day, '15:00');
    // State reporting takes the posted events from the bus: wait until it has both.
    await waitFor(async () => {
      const left = await as(platform.gateway, admin).get('/api/reporting/ineligible');
      const records = await as(platform.gateway, admin).get('/api/reporting/records').query({ eligible: true });
      return (
        (left.body as ReportingPage<{ sessionId: string }>).items?.some((s) => s.sessionId === ineligible.id) &&
        (records.body as ReportingPage<{ sessionId: string }>).items?.some((r) => r.sessionId === eligible.id)
      );
    }, 30_000);

    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, district.admin.email, TEST_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('dry-runs an uploaded OneRoster zip by default: the counts and the row error with file, line, column and reason, nothing written', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roster import' }).click();
    await page.getByRole('heading', { name: 'Roster import', level: 1 }).waitFor();
    await page.getByText('No roster was imported yet.').waitFor();
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'roster-import-empty');
    await screenshots(page, 'roster-import-empty');

    // Sent without a file: said next to the field, nothing is sent.
    await page.getByRole('button', { name: 'Check the roster (dry run)' }).click();
    await page.getByText('Choose the zip to import').waitFor();

    await page.locator('input[type="file"]').setInputFiles({ name: 'oneroster.zip', mimeType: 'application/zip', buffer: rosterZip(suffix, `77${suffix}`) });
    expect(await page.getByRole('checkbox', { name: 'Apply the changes to the directory' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Check the roster (dry run)' }).click();

    const detail = page.getByTestId('import-detail');
    await detail.getByRole('heading', { name: /^Dry run of / }).waitFor();
    // While it waits or runs: the bar (its filled part empty at first, so only attached) and the phase in words.
    await detail.getByRole('progressbar', { name: 'Import progress' }).waitFor({ state: 'attached' });
    expect(await detail.getByTestId('job-progress').first().textContent()).toMatch(/^(Waiting to start|Reading |Writing |Starting|Finished)/);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'roster-import-running');
    await screenshots(page, 'roster-import-running');
    await detail.getByTestId('dry-run-note').waitFor({ timeout: IMPORT_TIMEOUT });
    expect(await detail.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')).toBe('100');
    const students = detail.getByTestId('count-Students');
    expect((await students.locator('td').allTextContents()).map((t) => t.trim())).toEqual(['2', '0', '0', '0']);
    expect((await detail.getByTestId('count-Staff').locator('td').first().textContent())?.trim()).toBe('1');
    const errors = detail.getByTestId('row-error');
    expect(await errors.count()).toBe(1);
    const cells = (await errors.first().locator('td').allTextContents()).map((t) => t.trim());
    expect(cells.slice(0, 3)).toEqual(['users.csv', '5', 'grades']);
    expect(cells[3]).toMatch(/grade/i);
    await detail.getByRole('heading', { name: 'Row errors: 1 row was skipped' }).waitFor();

    // A dry run writes nothing.
    const found = await as(platform.gateway, admin).get('/api/students/search').query({ q: `Quill${suffix}` }).expect(200);
    expect(found.body.items).toHaveLength(0);
    await page.getByTestId('past-import').first().waitFor();
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'roster-import-dry-run');
    await screenshots(page, 'roster-import-dry-run');
  }, 300_000);

  it('applies the same file after a confirmation, shows its progress then the counts, and the students are in the directory', async () => {
    await page.getByRole('checkbox', { name: 'Apply the changes to the directory' }).check();
    await page.getByRole('button', { name: 'Import the roster' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import the roster for real?' });
    await dialog.getByText(/records the files no longer name are deactivated/).waitFor();
    await waitFor(async () => (await page.evaluate(MODAL_SETTLED)) === true, 5_000);
    await expectAccessible(page, 'roster-import-confirm');
    await screenshots(page, 'roster-import-confirm', { fullPage: false });
    // Confirmed from the keyboard.
    await dialog.getByRole('button', { name: 'Import and apply' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    const detail = page.getByTestId('import-detail');
    await detail.getByRole('heading', { name: /^Import of / }).waitFor();
    // The bar is there from the start and reaches its end with the counts.
    const bar = detail.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor({ state: 'attached' });
    await detail.locator('[data-status="succeeded"]').waitFor({ timeout: IMPORT_TIMEOUT });
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await detail.getByTestId('job-progress').first().textContent()).toBe('Finished');
    expect(await detail.getByTestId('dry-run-note').count()).toBe(0);
    expect((await detail.getByTestId('count-Students').locator('td').first().textContent())?.trim()).toBe('2');
    expect(await detail.getByTestId('row-error').count()).toBe(1);

    const found = await as(platform.gateway, admin).get('/api/students/search').query({ q: `Quill${suffix}` }).expect(200);
    expect((found.body.items as { firstName: string }[]).map((s) => s.firstName).sort()).toEqual(['Rio', 'Sol']);

    // Invitations for the people it created: one batch, its progress read until it ends.
    await detail.getByRole('button', { name: 'Send invitations to the people it created' }).click();
    const batch = detail.getByTestId('invitation-batch');
    await batch.getByText(/finished$/).waitFor({ timeout: 30_000 });
    expect(await batch.getByTestId('job-progress').textContent()).toMatch(/^\d+ of \d+ sent/);

    expect(await page.getByTestId('past-import').count()).toBe(2);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'roster-import-applied');
    await screenshots(page, 'roster-import-applied');
  }, 300_000);

  it('lists the session left out of the export with its reason and a link to it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'State reporting' }).click();
    await page.getByRole('heading', { name: 'State reporting', level: 1 }).waitFor();
    const row = page.getByTestId('ineligible-session');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('ineligible-reasons').textContent()).toContain('No work order');
    expect(await row.getByRole('link').getAttribute('href')).toBe(`/sessions/${ineligible.id}`);
    await page.getByText('No export was made yet.').waitFor();
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'state-reporting');
    await screenshots(page, 'state-reporting');
  }, 60_000);

  it('starts a CSV export, follows it to the end and downloads it; the student’s disclosure is recorded', async () => {
    // Without a purpose the API refuses it, naming the field next to it.
    await page.getByRole('button', { name: 'Start the export' }).click();
    await page.getByLabel(/^Purpose/).and(page.locator('[aria-invalid="true"]')).waitFor();
    await page.getByLabel(/^Purpose/).fill(PURPOSE);
    await page.getByRole('button', { name: 'Start the export' }).click();

    const detail = page.getByTestId('export-detail');
    await detail.getByRole('heading', { name: /^CSV export, / }).waitFor();
    await detail.getByRole('progressbar', { name: 'Export progress' }).waitFor();
    await detail.locator('[data-status="done"]').waitFor({ timeout: 60_000 });
    expect(await detail.getByTestId('export-counts').textContent()).toBe('4 records for 4 students: 4 new');
    await detail.getByText(/1 session of these dates is not eligible/).waitFor();

    const [file] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const lines = (await readFile(await file.path(), 'utf8')).split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['record_action', 'session_id', 'session_version', 'session_date']);
    const rows = lines.slice(1).filter(Boolean);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.startsWith(`ADD,${eligible.id},1,${districtDay(-2)},${district.schools[0].stateSchoolCode},`))).toBe(true);
    expect(rows.some((r) => r.includes(ada.id))).toBe(true);
    expect(rows.some((r) => r.includes(ineligible.id))).toBe(false);
    await page.getByTestId('past-exports').getByText('Ready').waitFor();
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'state-reporting-exported');
    await screenshots(page, 'state-reporting-exported');

    // The export disclosed Ada's data: her disclosures say to whom and why.
    await page.getByLabel('Student', { exact: true }).fill(ada.firstName);
    await page.getByRole('button', { name: new RegExp(`^Add ${ada.firstName} ${ada.lastName}`) }).click();
    const disclosures = page.getByTestId('disclosures');
    await disclosures.getByText(PURPOSE).waitFor();
    expect(await disclosures.textContent()).toContain('State Department of Education');
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'state-reporting-disclosures');
    await screenshots(page, 'state-reporting-disclosures');

    // The ineligible session's link opens it.
    await page.getByTestId('ineligible-session').getByRole('link').click();
    await page.waitForURL(`**/sessions/${ineligible.id}`);
  }, 120_000);

  it('offers a provider neither screen', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, provider.email, TEST_PASSWORD);
    const navigation = tab.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Roster import' }).count()).toBe(0);
    expect(await navigation.getByRole('link', { name: 'State reporting' }).count()).toBe(0);

    await tab.goto(`${platform.baseUrl}/admin/roster-imports`);
    await tab.getByRole('alert').filter({ hasText: 'The imports could not be loaded' }).filter({ hasText: 'Your role does not allow this' }).waitFor({ timeout: 15_000 });
    await expectAccessible(tab, 'roster-import-refused');
    await screenshots(tab, 'roster-import-refused');
    await tab.close();
  }, 60_000);
});
