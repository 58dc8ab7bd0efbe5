import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

const ZONE = 'America/Chicago';
const DAY_MS = 86_400_000;
const NOTE = 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.';
const DETENTION = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };
const STUDENTS = [
  { firstName: 'Ada', lastName: 'Lovelace' },
  { firstName: 'Ben', lastName: 'Okafor' },
  { firstName: 'Cal', lastName: 'Moreno' },
];

interface MinutesGroup {
  key: string;
  label: string;
  minutes: number;
  students: number;
  sessions: number;
  records: number;
}
interface MinutesReply {
  minGroupSize: number;
  suppressedGroups: number;
  groups: MinutesGroup[];
}
interface DosageItem {
  studentName: string;
  stateId: string | null;
  plannedMinutes: number;
  deliveredMinutes: number;
  dosagePercent: number | null;
  sessions: number;
}
interface DosageReply {
  items: DosageItem[];
  totals: { students: number; plannedMinutes: number; deliveredMinutes: number; dosagePercent: number | null } | null;
}

function districtDay(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * DAY_MS));
}

/** The cells of a figure's table as a reader gets them (header cells included), row by row. */
async function tableRows(figure: Locator): Promise<string[][]> {
  const rows = figure.getByTestId('figure-table').locator('tbody tr');
  const count = await rows.count();
  const cells: string[][] = [];
  for (let i = 0; i < count; i += 1) cells.push((await rows.nth(i).locator('th, td').allTextContents()).map((text) => text.trim()));
  return cells;
}

async function downloaded(page: Page, figure: Locator): Promise<{ name: string; text: string }> {
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: 'Download CSV' }).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

const shown = (n: number) => n.toLocaleString('en-US');

/**
 * The dashboards in Chromium against the whole platform: a tutor posts two
 * group sessions with three students through the API (60 planned and 45 run,
 * then 30 and 30). A district admin opens Dashboards from the navigation:
 * minutes by provider and by week, the table under each chart holding the
 * API's numbers and the CSV download exactly them; planned against delivered
 * per student. Anonymized, no student is named, a group smaller than the
 * district's minimum is said to be left out with no number, the dosage totals
 * withheld; once the minimum is three, the group and the totals show. A
 * provider is offered no Dashboards and is refused them in the API's words.
 */
describe('Web app: dashboards', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let provider: TestUser;
  let admin: Session;
  let page: Page;
  const from = districtDay(-14);
  const to = districtDay(0);
  const range = `from=${from}&to=${to}`;

  const dashboard = async <T>(path: string): Promise<T> => (await as(platform.gateway, admin).get(`/api/dashboards/${path}`).expect(200)).body as T;

  async function postSession(tutor: Session, groupId: string, workOrderId: string, daysAgo: number, planned: number, ran: number): Promise<void> {
    const startedAt = new Date(Math.floor((Date.now() - daysAgo * DAY_MS) / 60_000) * 60_000);
    const started = await as(platform.gateway, tutor).post('/api/sessions').send({ service: 'tutoring', groupId, workOrderId, plannedMinutes: planned, startedAt: startedAt.toISOString() });
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    for (const p of started.body.participants as { id: string }[]) {
      await as(platform.gateway, tutor).patch(`/api/sessions/${started.body.id}/participants/${p.id}`).send({ version: 1, present: true, qualifiers: DETENTION, studentNote: NOTE }).expect(200);
    }
    await as(platform.gateway, tutor)
      .post(`/api/sessions/${started.body.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + ran * 60_000).toISOString() })
      .expect(200);
    await as(platform.gateway, tutor).post(`/api/sessions/${started.body.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
  }

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0].id;
    admin = await signIn(platform.gateway, district.admin.email);
    provider = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Pia' });
    const students = await Promise.all(STUDENTS.map((name) => addStudent(platform.gateway, admin, school, name)));
    const group = await addGroup(platform.gateway, admin, school, provider.id, students.map((s) => s.id));
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: provider.id, schoolId: school });
    const tutor = await signIn(platform.gateway, provider.email);
    // Within the 14-day late-entry window for posting.
    await postSession(tutor, group.id, workOrder.id, 10, 60, 45);
    await postSession(tutor, group.id, workOrder.id, 3, 30, 30);
    // State reporting takes the posted events on its own time.
    await waitFor(async () => (await dashboard<MinutesReply>(`minutes?groupBy=provider&${range}`)).groups.some((g) => g.minutes === 3 * 45 + 3 * 30), 30_000);

    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, district.admin.email, TEST_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('charts minutes by provider and by week: each table holds the API’s numbers and its CSV exactly them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
    await page.getByLabel('From').fill(from);
    await page.getByLabel('To').fill(to);
    const minutes = page.getByTestId('minutes-figure');
    await minutes.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: 'Provider' }).click();
    await minutes.getByRole('heading', { name: 'Student minutes by provider' }).waitFor();
    const url = new URL(page.url());
    expect([url.pathname, url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('minutes')]).toEqual(['/admin/dashboards', from, to, 'provider']);

    const byProvider = await dashboard<MinutesReply>(`minutes?groupBy=provider&${range}`);
    expect(byProvider.groups).toHaveLength(1);
    const [pia] = byProvider.groups;
    expect(pia).toMatchObject({ minutes: 225, students: 3, sessions: 2, records: 6 });
    // The table is there for screen readers before it is shown; shown, it reads the same.
    await waitFor(async () => JSON.stringify(await tableRows(minutes)) === JSON.stringify([[pia.label, '225', '3', '2', '6']]), 15_000);
    await minutes.getByRole('button', { name: 'Show as table' }).click();
    await minutes.getByRole('table', { name: 'Student minutes by provider' }).waitFor();
    expect(await minutes.locator('svg .recharts-bar-rectangle').count()).toBe(1);

    const csv = await downloaded(page, minutes);
    expect(csv.name).toBe(`minutes-by-provider-${from}-to-${to}.csv`);
    expect(csv.text).toBe(`Provider,Minutes,Students,Sessions,Student records\r\n${pia.label},${pia.minutes},${pia.students},${pia.sessions},${pia.records}\r\n`);

    const dosage = page.getByTestId('dosage-figure');
    const perStudent = await dashboard<DosageReply>(`dosage?${range}&page=1&pageSize=20`);
    expect(perStudent.items.map((s) => [s.plannedMinutes, s.deliveredMinutes])).toEqual([
      [90, 75],
      [90, 75],
      [90, 75],
    ]);
    const expectedDosage = [
      ...perStudent.items.map((s) => [s.studentName, s.stateId ?? '', shown(s.plannedMinutes), shown(s.deliveredMinutes), String(s.dosagePercent), String(s.sessions)]),
      ['All 3 students', '', '270', '225', String(perStudent.totals?.dosagePercent), ''],
    ];
    expect(await tableRows(dosage)).toEqual(expectedDosage);
    expect(perStudent.items.map((s) => s.studentName).join(' ')).toContain('Lovelace');
    expect((await downloaded(page, dosage)).text.split('\r\n').slice(1, -1)).toEqual(expectedDosage.map((row) => row.join(',')));

    await page.mouse.move(700, 20);
    await screenshots(page, 'dashboards');
    await expectAccessible(page, 'dashboards');

    await minutes.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: 'Week' }).click();
    await minutes.getByRole('heading', { name: 'Student minutes by week' }).waitFor();
    const byWeek = await dashboard<MinutesReply>(`minutes?groupBy=week&${range}`);
    await waitFor(async () => (await tableRows(minutes)).length === byWeek.groups.length, 15_000);
    expect((await tableRows(minutes)).map((row) => row.slice(1))).toEqual(byWeek.groups.map((g) => [shown(g.minutes), shown(g.students), shown(g.sessions), shown(g.records)]));
    expect(await minutes.locator('svg .recharts-line').count()).toBe(1);
    const weekCsv = await downloaded(page, minutes);
    expect(weekCsv.text.split('\r\n').slice(1, -1).map((line) => line.split(',').slice(-4))).toEqual(byWeek.groups.map((g) => [g.minutes, g.students, g.sessions, g.records].map(String)));
    await page.mouse.move(700, 20);
    await screenshots(page, 'dashboards-week');
    await expectAccessible(page, 'dashboards-week');
  }, 120_000);

  it('anonymized: names no student and says which groups were left out, never their numbers; a lower minimum shows them', async () => {
    await page.getByRole('checkbox', { name: /^Anonymized/ }).click();
    await waitFor(async () => new URL(page.url()).searchParams.get('anonymized') === '1', 5_000);
    const minutes = page.getByTestId('minutes-figure');
    await minutes.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: 'Service' }).click();
    await minutes.getByRole('heading', { name: 'Student minutes by service' }).waitFor();

    // Three students are fewer than the district's default minimum of ten.
    const suppressed = await dashboard<MinutesReply>(`minutes?groupBy=service&${range}&anonymized=true`);
    expect(suppressed).toMatchObject({ minGroupSize: 10, suppressedGroups: 1, groups: [] });
    const note = '1 group with fewer than 10 students each was left out';
    await minutes.getByTestId('left-out').filter({ hasText: note }).waitFor({ timeout: 15_000 });
    expect(await tableRows(minutes)).toEqual([[note, 'Withheld', 'Withheld', 'Withheld', 'Withheld']]);
    expect(await minutes.locator('.recharts-surface').count()).toBe(0);
    const csv = await downloaded(page, minutes);
    expect(csv.name).toBe(`minutes-by-service-${from}-to-${to}-anonymized.csv`);
    expect(csv.text).toBe(`Service,Minutes,Students,Sessions,Student records\r\n${note},Withheld,Withheld,Withheld,Withheld\r\n`);

    const dosage = page.getByTestId('dosage-figure');
    await dosage.getByText('Fewer than 10 students: the totals are withheld').waitFor({ timeout: 15_000 });
    expect(await tableRows(dosage)).toEqual([['Withheld', 'Withheld', 'Withheld', 'Withheld']]);
    const body = (await page.locator('main').textContent()) ?? '';
    for (const student of STUDENTS) expect(body).not.toContain(student.lastName);
    expect(body).not.toMatch(/\b(225|270|75|90)\b/);
    await page.mouse.move(700, 20);
    await screenshots(page, 'dashboards-anonymized');
    await expectAccessible(page, 'dashboards-anonymized');

    const current = await as(platform.gateway, admin).get('/api/district').expect(200);
    await as(platform.gateway, admin).patch('/api/district').send({ version: current.body.version, settings: { anonymizationMinGroupSize: 3 } }).expect(200);
    await waitFor(async () => (await dashboard<MinutesReply>(`minutes?groupBy=service&${range}&anonymized=true`)).minGroupSize === 3, 30_000);
    await page.reload();
    const shownGroups = await dashboard<MinutesReply>(`minutes?groupBy=service&${range}&anonymized=true`);
    expect(shownGroups.groups.map((g) => [g.minutes, g.students])).toEqual([[225, 3]]);
    await minutes.getByTestId('figure-table').getByText('225').waitFor({ timeout: 15_000 });
    expect((await tableRows(minutes)).map((row) => row.slice(1))).toEqual([['225', '3', '2', '6']]);
    expect(await minutes.getByTestId('left-out').count()).toBe(0);
    // Totals only, still no student named.
    await dosage.getByRole('heading', { name: 'Planned and delivered minutes, all students' }).waitFor();
    expect(await tableRows(dosage)).toEqual([['3', '270', '225', '83']]);
    const named = (await page.locator('main').textContent()) ?? '';
    for (const student of STUDENTS) expect(named).not.toContain(student.lastName);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'dashboards-anonymized-shown');
  }, 120_000);

  it('offers a provider no Dashboards, and refuses them in the API’s words', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, provider.email, TEST_PASSWORD);
    const navigation = tab.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Dashboards' }).count()).toBe(0);

    await tab.goto(`${platform.baseUrl}/admin/dashboards`);
    const refusal = tab.getByRole('alert').filter({ hasText: 'The dashboards could not be loaded' });
    await refusal.filter({ hasText: 'Your role does not allow this' }).waitFor({ timeout: 15_000 });
    expect(await tab.getByTestId('minutes-figure').count()).toBe(0);
    await expectAccessible(tab, 'dashboards-refused');
    await tab.close();
  }, 60_000);
});
