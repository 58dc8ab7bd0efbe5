import type { Page } from 'playwright-core';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

/** The district's own coaching log: every kind of field the catalog allows, three of them required. */
const COACHING_FIELDS = [
  { name: 'category', label: 'Coaching category', type: 'choice', options: ['Planning', 'Observation', 'Modelling', 'Feedback', 'Data'], required: true },
  { name: 'practices', label: 'Practices discussed', type: 'multi_choice', options: ['Questioning', 'Wait time', 'Checks for understanding'], required: false },
  { name: 'minutes_observed', label: 'Minutes observed in class', type: 'number', required: false },
  { name: 'follow_up', label: 'Follow-up visit planned', type: 'boolean', required: true },
  { name: 'next_step', label: 'Next step for the teacher', type: 'text', required: true },
];
const LAST_WEEK_LOG = { category: 'Planning', follow_up: false, next_step: 'Draft the unit’s exit tickets' };
const NEXT_STEP = 'Try three-second wait time in the reading block';
/** The coaching conversation runs this long: the browser's clock starts that much earlier, as a coach who tapped Start then. */
const SESSION_MINUTES = 30;

interface SessionReply {
  id: string;
  version: number;
  state: string;
  posted: { version: number } | null;
  adjustedMinutes: number | null;
  coachingLog: Record<string, unknown> | null;
  participants: { id: string; personId: string; name: string; version: number; present: boolean | null }[];
}

const minute = (at: number) => new Date(Math.floor(at / 60_000) * 60_000).toISOString();

/**
 * A coach's coaching log in Chromium against the whole platform, with the
 * district's own coaching-log fields (a choice, a multiple choice, a number,
 * a yes/no and a text). The coach coached a teacher a week ago (through the
 * API); in the browser they find the teacher among "My teachers" with that
 * session's log, start a session from "New session", add the teacher in one
 * tap, fill the log, "Save and end now", and sign and post — the log read
 * back through the API as typed; the teacher's history then shows both
 * sessions with their days, minutes, categories and values. Starting from
 * the teacher's page opens a running session with the teacher present. A
 * provider who is not a coach is offered no coaching screen and is told it
 * is for coaches. Axe and three widths on every screen.
 */
describe('Web app: a coach’s coaching log and their teachers’ history', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let coach: TestUser;
  let teacher: TestUser;
  let coachApi: Session;
  let teacherName: string;
  let lastWeek: SessionReply;
  let page: Page;
  let posted: SessionReply;

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0];
    const admin = await signIn(platform.gateway, district.admin.email);
    const current = (await as(platform.gateway, admin).get('/api/session-catalog').expect(200)).body as { version: number; catalog: Record<string, unknown> };
    await as(platform.gateway, admin)
      .put('/api/session-catalog')
      .send({ version: current.version, catalog: { ...current.catalog, coachingFields: COACHING_FIELDS } })
      .expect(200);
    coach = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'coach', name: 'Casey' });
    // The teacher coached is a provider too (a tutor): the one who must not be offered the coaching screens.
    teacher = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Tess' });
    coachApi = await signIn(platform.gateway, coach.email);

    // Last week's coaching session with the teacher, logged and posted through the API.
    const weekAgo = Date.now() - 7 * 86_400_000;
    const started = await as(platform.gateway, coachApi).post('/api/sessions').send({ service: 'coaching', startedAt: minute(weekAgo - 40 * 60_000) });
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    const added = await as(platform.gateway, coachApi).post(`/api/sessions/${started.body.id}/participants`).send({ staffId: teacher.id });
    if (added.status !== 201 && added.status !== 200) throw new Error(`participant answered ${added.status}: ${JSON.stringify(added.body)}`);
    const participant = (added.body as SessionReply).participants[0];
    teacherName = participant.name;
    await as(platform.gateway, coachApi).patch(`/api/sessions/${started.body.id}/participants/${participant.id}`).send({ version: participant.version, present: true }).expect(200);
    const logged = await as(platform.gateway, coachApi).put(`/api/sessions/${started.body.id}/coaching-log`).send({ version: added.body.version, values: LAST_WEEK_LOG }).expect(200);
    await as(platform.gateway, coachApi).post(`/api/sessions/${started.body.id}/end`).send({ version: logged.body.version, endedAt: minute(weekAgo) }).expect(200);
    await as(platform.gateway, coachApi).post(`/api/sessions/${started.body.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    lastWeek = (await as(platform.gateway, coachApi).get(`/api/sessions/${started.body.id}`).expect(200)).body;

    page = await browser.newPage();
    // The session the coach logs runs half an hour: the browser lives that far back until the coach ends it.
    await page.clock.install({ time: Date.now() - SESSION_MINUTES * 60_000 });
    await signInToToday(page, platform.baseUrl, coach.email, TEST_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists the teachers the coach worked with, and a teacher’s past session with its coaching log', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My teachers' }).click();
    await page.getByRole('heading', { name: 'My teachers', level: 1 }).waitFor();
    const row = page.getByTestId('coached-teacher');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(teacherName);
    expect(await row.textContent()).toContain(`${lastWeek.adjustedMinutes}`);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'coaching-teachers');
    await screenshots(page, 'coaching-teachers');

    await row.getByRole('link', { name: teacherName }).click();
    await page.getByRole('heading', { name: teacherName, level: 1 }).waitFor();
    const card = page.getByTestId('coaching-session');
    await card.first().waitFor();
    expect(await card.count()).toBe(1);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(`${lastWeek.adjustedMinutes} min`);
    expect(text).toContain('Posted');
    await card.getByRole('group', { name: 'Categories' }).getByText('Planning', { exact: true }).waitFor();
    const values = card.getByTestId('coaching-log-values');
    expect(await values.textContent()).toContain('Next step for the teacher');
    expect(await values.textContent()).toContain(LAST_WEEK_LOG.next_step);
    expect(await values.textContent()).toContain('Follow-up visit plannedNo');
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'coaching-teacher');
    await screenshots(page, 'coaching-teacher');
  }, 90_000);

  it('logs a coaching session with the district’s fields on one screen and posts it, the log kept as typed', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' }).click();
    await page.getByRole('link', { name: 'New session' }).first().click();
    await page.getByRole('heading', { name: 'New session', level: 1 }).waitFor();
    // A coach's services are those with staff participants: no service or group to choose; no work order covers the coach.
    expect(await page.getByRole('radiogroup', { name: 'Group' }).count()).toBe(0);
    await page.getByRole('radio', { name: 'No work order: time tracking only' }).check();
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: /^Active session/, level: 1 }).waitFor();

    // The teacher coached before is offered: one tap adds them, present.
    await page.getByRole('heading', { name: 'Who are you coaching?' }).waitFor();
    await page.getByRole('button', { name: `Add ${teacherName}` }).click();
    await page.getByTestId(`participant-${teacher.id}`).getByText('Present', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('heading', { name: 'Who are you coaching?' }).count()).toBe(0);
    // No student note is asked of a teacher.
    expect(await page.getByRole('heading', { name: 'Notes', level: 2 }).count()).toBe(0);

    const log = page.getByRole('form', { name: 'Coaching log' });
    // A required choice of five is one tap, announced as a radio group.
    await log.getByRole('radiogroup', { name: /Coaching category/ }).getByText('Observation', { exact: true }).click();
    await log.getByRole('checkbox', { name: 'Wait time' }).check();
    await log.getByLabel('Minutes observed in class').fill('20');
    // The required yes/no starts at no: left alone, it is sent as no.
    expect(await log.getByRole('checkbox', { name: 'Follow-up visit planned' }).isChecked()).toBe(false);
    await log.getByLabel(/^Next step for the teacher/).fill(NEXT_STEP);
    await log.getByText('Not saved yet').waitFor();
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'coaching-session');
    await screenshots(page, 'coaching-session');

    await page.clock.setSystemTime(Date.now());
    await log.getByRole('button', { name: 'Save and end now' }).click();
    await page.getByRole('heading', { name: 'Review and post', level: 1 }).waitFor({ timeout: 30_000 });
    const sessionId = new URL(page.url()).pathname.split('/')[2];
    await page.getByText('Nothing is missing: ready to post.').waitFor({ timeout: 20_000 });
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign and post' }).click();
    await page.getByRole('heading', { name: 'Posted session', level: 1 }).waitFor({ timeout: 30_000 });

    posted = (await as(platform.gateway, coachApi).get(`/api/sessions/${sessionId}`).expect(200)).body;
    expect(posted.posted).not.toBeNull();
    expect(posted.coachingLog).toEqual({ category: 'Observation', practices: ['Wait time'], minutes_observed: 20, follow_up: false, next_step: NEXT_STEP });
    expect(posted.participants.map((p) => [p.personId, p.present])).toEqual([[teacher.id, true]]);
    expect(posted.adjustedMinutes).toBe(SESSION_MINUTES);
  }, 120_000);

  it('shows the new session in the teacher’s history, newest first, with its minutes, category and values', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My teachers' }).click();
    const row = page.getByTestId('coached-teacher');
    await row.filter({ hasText: `${(lastWeek.adjustedMinutes ?? 0) + SESSION_MINUTES}` }).waitFor({ timeout: 20_000 });
    await row.getByRole('link', { name: teacherName }).click();
    const cards = page.getByTestId('coaching-session');
    await cards.nth(1).waitFor();
    expect(await cards.count()).toBe(2);
    const newest = cards.first();
    expect(await newest.textContent()).toContain(`${SESSION_MINUTES} min`);
    await newest.getByRole('group', { name: 'Categories' }).getByText('Observation', { exact: true }).waitFor();
    await newest.getByRole('group', { name: 'Categories' }).getByText('Wait time', { exact: true }).waitFor();
    const values = (await newest.getByTestId('coaching-log-values').textContent()) ?? '';
    for (const expected of ['Minutes observed in class20', `Next step for the teacher${NEXT_STEP}`, 'Follow-up visit plannedNo']) expect(values).toContain(expected);
    expect(await newest.getByRole('link').getAttribute('href')).toBe(`/sessions/${posted.id}/post`);
    expect(await cards.nth(1).textContent()).toContain(LAST_WEEK_LOG.next_step);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'coaching-teacher-history');
    await screenshots(page, 'coaching-teacher-history');
  }, 60_000);

  it('starts a session with the teacher present from the teacher’s page, in one tap', async () => {
    await page.getByRole('button', { name: `Start a coaching session with ${teacherName}` }).click();
    await page.getByRole('heading', { name: /^Active session/, level: 1 }).waitFor({ timeout: 30_000 });
    await page.getByTestId(`participant-${teacher.id}`).getByText('Present', { exact: true }).waitFor({ timeout: 20_000 });
    const running = (await as(platform.gateway, coachApi).get('/api/sessions').query({ providerId: coach.id, state: 'active' }).expect(200)).body.items as SessionReply[];
    expect(running).toHaveLength(1);
    expect(running[0].participants.map((p) => [p.personId, p.present])).toEqual([[teacher.id, true]]);
    await page.getByRole('form', { name: 'Coaching log' }).getByRole('button', { name: 'Save and end now' }).waitFor();
  }, 60_000);

  it('finds a teacher never coached before by name and adds them, present, to the running session', async () => {
    const newcomer = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Nadiaweth' });
    const picker = page.getByRole('region', { name: 'Add another teacher' });
    await picker.getByLabel('Find a teacher by name').fill('nadiaw');
    const found = picker.getByRole('list', { name: 'Staff found' });
    await found.getByRole('button', { name: /^Add Nadiaweth / }).click();
    await page.getByTestId(`participant-${newcomer.id}`).getByText('Present', { exact: true }).waitFor({ timeout: 20_000 });
    const [running] = (await as(platform.gateway, coachApi).get('/api/sessions').query({ providerId: coach.id, state: 'active' }).expect(200)).body.items as SessionReply[];
    expect(running.participants.map((p) => [p.personId, p.present])).toEqual([
      [teacher.id, true],
      [newcomer.id, true],
    ]);
    // Neither the coach nor anyone already in the session is offered again.
    await picker.getByLabel('Find a teacher by name').fill('casey');
    await picker.getByText('No active staff member of the district has that name.').waitFor();
    await expectAccessible(page, 'coaching-find-teacher');
  }, 60_000);

  it('offers a provider who is not a coach no coaching screen, and tells them it is for coaches', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, teacher.email, TEST_PASSWORD);
    const navigation = tab.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'My teachers' }).count()).toBe(0);
    await tab.goto(`${platform.baseUrl}/coaching/teachers`);
    await tab.getByRole('alert').filter({ hasText: 'This screen is for coaches' }).waitFor({ timeout: 15_000 });
    expect(await tab.getByTestId('coached-teacher').count()).toBe(0);
    await expectAccessible(tab, 'coaching-refused');
    await screenshots(tab, 'coaching-refused');
    await tab.close();
  }, 60_000);
});
