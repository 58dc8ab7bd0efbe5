import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

const ADMIN_NOTE = 'We ran an hour over: the bus back was late, so the group kept working.';
const OVERRIDE_REASON = 'Bus delay confirmed by the school office';

interface SessionReply {
  id: string;
  version: number;
  providerName: string;
  needsAttention: boolean;
  adjustedMinutes: number | null;
  durationOverride: { minutes: number; reason: string; by: string } | null;
  participants: { id: string; personId: string; version: number }[];
}
interface NotificationReply {
  id: string;
  kind: string;
  sessionId: string | null;
  readAt: string | null;
}

/** A modal is photographed and checked after its opening transition (mid-fade its colours are neither the page's nor its own). */
const MODAL_SETTLED = `[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => getComputedStyle(el).opacity === '1')`;

/**
 * The admins' screens in Chromium against the whole platform. A provider
 * ran a group session an hour past its plan, is refused the duration (only an
 * admin may set it), flags the session and leaves a note to admins; another
 * provider's session of three days ago has its tasks overdue and escalated.
 * A school admin finds the flagged session in the queue with the API's
 * reasons, approves the duration with a reason (first refused in words
 * without one), clears the flag and marks the escalation read — each read
 * back through the API; filters the school's sessions by provider (kept in
 * the address across a reload). A provider is offered neither screen and is
 * refused the queue in words. Axe and three widths on every screen.
 */
describe('Web app: admin Needs Attention and school sessions', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let pia: TestUser;
  let quinn: TestUser;
  let schoolAdmin: TestUser;
  let adminApi: Session;
  let page: Page;
  let flagged: SessionReply;
  let overdue: SessionReply;
  let schoolName: string;

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(2);
    const school = district.schools[0];
    schoolName = school.name;
    const districtAdmin = await signIn(platform.gateway, district.admin.email);
    pia = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Pia' });
    quinn = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Quinn' });
    schoolAdmin = await district.user(['school_admin'], { schoolIds: [school.id], name: 'Sam' });
    adminApi = await signIn(platform.gateway, schoolAdmin.email);
    const students = await Promise.all(['Ada', 'Ben'].map((firstName) => addStudent(platform.gateway, districtAdmin, school.id, { firstName })));
    const group = await addGroup(platform.gateway, districtAdmin, school.id, pia.id, students.map((s) => s.id));

    // Pia planned 30 minutes and ran 90: past the planned + 30 a provider may set, so the duration waits for an admin.
    const tutor = await signIn(platform.gateway, pia.email);
    const startedAt = new Date(Math.floor((Date.now() - 120 * 60_000) / 60_000) * 60_000);
    const started = await as(platform.gateway, tutor).post('/api/sessions').send({ service: 'tutoring', groupId: group.id, plannedMinutes: 30, startedAt: startedAt.toISOString() });
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    const [first, second] = (started.body as SessionReply).participants;
    await as(platform.gateway, tutor).patch(`/api/sessions/${started.body.id}/participants/${first.id}`).send({ version: first.version, present: true, adminNote: ADMIN_NOTE }).expect(200);
    await as(platform.gateway, tutor).patch(`/api/sessions/${started.body.id}/participants/${second.id}`).send({ version: second.version, present: true }).expect(200);
    const ended = await as(platform.gateway, tutor)
      .post(`/api/sessions/${started.body.id}/end`)
      .send({ version: started.body.version, endedAt: new Date(startedAt.getTime() + 90 * 60_000).toISOString() })
      .expect(200);
    expect(ended.body.adjustedMinutes).toBe(90);
    const refused = await as(platform.gateway, tutor).put(`/api/sessions/${started.body.id}/duration`).send({ version: ended.body.version, minutes: 90 }).expect(403);
    expect(refused.body.code).toBe('SESSION.DURATION_NEEDS_ADMIN');
    flagged = (await as(platform.gateway, tutor).patch(`/api/sessions/${started.body.id}`).send({ version: ended.body.version, needsAttention: true }).expect(200)).body;

    // Quinn's session of three days ago: its tasks were due two days ago, so they are overdue and escalated at once.
    const coach = await signIn(platform.gateway, quinn.email);
    const longAgo = new Date(Math.floor((Date.now() - 3 * 86_400_000) / 60_000) * 60_000);
    const adHoc = await as(platform.gateway, coach).post('/api/sessions').send({ service: 'tutoring', schoolId: school.id, startedAt: longAgo.toISOString() });
    if (adHoc.status !== 201) throw new Error(`start answered ${adHoc.status}: ${JSON.stringify(adHoc.body)}`);
    // Ada attended with no note (the notes task stays open); Ben has no attendance (so does the attendance task).
    let added: { status: number; body: SessionReply } | undefined;
    for (const student of students) {
      added = await as(platform.gateway, coach).post(`/api/sessions/${adHoc.body.id}/participants`).send({ studentId: student.id });
      if (added.status !== 200 && added.status !== 201) throw new Error(`participant answered ${added.status}: ${JSON.stringify(added.body)}`);
    }
    if (!added) throw new Error('no participant added');
    const ada = added.body.participants.find((p) => p.personId === students[0].id);
    if (!ada) throw new Error('Ada is not in the session');
    await as(platform.gateway, coach).patch(`/api/sessions/${adHoc.body.id}/participants/${ada.id}`).send({ version: ada.version, present: true }).expect(200);
    overdue = (
      await as(platform.gateway, coach)
        .post(`/api/sessions/${adHoc.body.id}/end`)
        .send({ version: added.body.version, endedAt: new Date(longAgo.getTime() + 30 * 60_000).toISOString() })
        .expect(200)
    ).body;
    await waitFor(async () => {
      const notifications = await as(platform.gateway, adminApi).get('/api/me/notifications').query({ unread: true });
      return (notifications.body.items as NotificationReply[]).some((n) => n.kind === 'escalation' && n.sessionId === overdue.id);
    }, 60_000);

    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, schoolAdmin.email, TEST_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows the flagged session with the API’s reasons, and the overdue tasks and their escalation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Needs attention' }).click();
    await page.getByRole('heading', { name: 'Needs attention', level: 1 }).waitFor();
    const item = page.getByTestId('flagged-item');
    await item.waitFor();
    expect(await item.count()).toBe(1);
    const text = (await item.textContent()) ?? '';
    expect(text).toContain(flagged.providerName);
    expect(text).toContain(schoolName);
    const reasons = item.getByTestId('flagged-reasons');
    await reasons.getByText(`Flagged by ${flagged.providerName}`, { exact: false }).waitFor();
    await reasons.getByText(ADMIN_NOTE, { exact: false }).waitFor();
    // The audit's own words: what only an admin may now decide.
    await item.getByTestId('duration-waiting').filter({ hasText: 'Waiting for an admin: The duration must be at most 60 minutes (the planned 30 plus 30)' }).waitFor();
    expect(await item.getByRole('link').first().getAttribute('href')).toBe(`/sessions/${flagged.id}`);

    const tasks = page.getByTestId('overdue-task');
    await tasks.first().waitFor();
    expect(await tasks.count()).toBe(2);
    await tasks.filter({ hasText: 'Attendance not recorded' }).filter({ hasText: overdue.providerName }).waitFor();
    await tasks.filter({ hasText: 'Student notes not written' }).filter({ hasText: schoolName }).waitFor();
    await page.getByTestId('escalation').filter({ hasText: overdue.providerName }).first().waitFor();

    await page.mouse.move(700, 20);
    await expectAccessible(page, 'admin-attention');
    await screenshots(page, 'admin-attention');
  }, 90_000);

  it('approves the duration with a reason (refused in words without one), and the API keeps the override', async () => {
    const item = page.getByTestId('flagged-item');
    await item.getByRole('button', { name: 'Approve or change the duration' }).click();
    const dialog = page.getByRole('dialog', { name: /^Duration of / });
    expect(await dialog.getByLabel('Minutes').inputValue()).toBe('90');
    await waitFor(async () => (await page.evaluate(MODAL_SETTLED)) === true, 5_000);
    await dialog.getByRole('button', { name: 'Save the duration' }).click();
    // The API's refusal beside the field it names: an override needs a reason.
    await dialog.getByText('an admin override must say why', { exact: false }).waitFor();
    await expectAccessible(page, 'admin-duration-refused');
    await screenshots(page, 'admin-duration-refused', { fullPage: false });

    await dialog.getByLabel('Reason').fill(OVERRIDE_REASON);
    await dialog.getByRole('button', { name: 'Save the duration' }).click();
    await dialog.waitFor({ state: 'detached' });
    await item.getByText(`Duration overridden to 90 min`, { exact: false }).waitFor();
    // The audit is read again after the override: on loaded cores its answer can land after the override's.
    await item.getByTestId('duration-waiting').waitFor({ state: 'detached' });

    const session = (await as(platform.gateway, adminApi).get(`/api/sessions/${flagged.id}`).expect(200)).body as SessionReply;
    expect(session.adjustedMinutes).toBe(90);
    expect(session.durationOverride).toMatchObject({ minutes: 90, reason: OVERRIDE_REASON, by: schoolAdmin.id });
    expect(session.needsAttention).toBe(true);
  }, 60_000);

  it('clears the session from the queue and marks the escalation read, both read back through the API', async () => {
    await page.getByTestId('flagged-item').getByRole('button', { name: 'Clear from the queue' }).click();
    await page.getByText('No session is flagged for attention.').waitFor();
    const session = (await as(platform.gateway, adminApi).get(`/api/sessions/${flagged.id}`).expect(200)).body as SessionReply;
    expect(session.needsAttention).toBe(false);
    expect((await as(platform.gateway, adminApi).get('/api/needs-attention').expect(200)).body.total).toBe(0);

    const escalations = page.getByTestId('escalation');
    const before = await escalations.count();
    // From the keyboard: the button is reachable and named for its row.
    await escalations.first().getByRole('button', { name: /^Mark read: / }).focus();
    await page.keyboard.press('Enter');
    await waitFor(async () => (await escalations.count()) === before - 1, 15_000);
    const notifications = (await as(platform.gateway, adminApi).get('/api/me/notifications').expect(200)).body.items as NotificationReply[];
    const read = notifications.filter((n) => n.kind === 'escalation' && n.sessionId === overdue.id && n.readAt);
    expect(read).toHaveLength(1);
    await expectAccessible(page, 'admin-attention-cleared');
    await screenshots(page, 'admin-attention-cleared');
  }, 60_000);

  it('narrows the school’s sessions by provider, keeps the filter in the address, and opens a session', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'School sessions' }).click();
    await page.getByRole('heading', { name: 'Sessions of my schools', level: 1 }).waitFor();
    const rows = page.getByTestId('admin-session-row');
    await waitFor(async () => (await rows.count()) === 2, 15_000);

    await page.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: flagged.providerName }).click();
    await waitFor(async () => (await rows.count()) === 1 && ((await rows.first().textContent()) ?? '').includes(flagged.providerName), 15_000);
    expect(new URL(page.url()).searchParams.get('provider')).toBe(pia.id);
    expect(await rows.filter({ hasText: overdue.providerName }).count()).toBe(0);

    await page.reload();
    await page.getByRole('heading', { name: 'Sessions of my schools', level: 1 }).waitFor();
    await waitFor(async () => (await rows.count()) === 1, 15_000);
    expect(await page.getByRole('combobox', { name: 'Provider' }).inputValue()).toBe(flagged.providerName);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'admin-sessions');
    await screenshots(page, 'admin-sessions');

    await rows.first().getByRole('link').click();
    await waitFor(async () => new URL(page.url()).pathname === `/sessions/${flagged.id}`, 10_000);
  }, 60_000);

  it('offers a provider neither admin screen, refuses the queue in words and keeps the school list from them', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, pia.email, TEST_PASSWORD);
    const navigation = tab.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Needs attention' }).count()).toBe(0);
    expect(await navigation.getByRole('link', { name: 'School sessions' }).count()).toBe(0);

    await tab.goto(`${platform.baseUrl}/admin/attention`);
    const refusal = tab.getByRole('alert').filter({ hasText: 'The Needs Attention queue could not be loaded' });
    await refusal.filter({ hasText: 'Your role does not allow this' }).waitFor({ timeout: 15_000 });
    await tab.getByRole('alert').filter({ hasText: 'The overdue tasks could not be loaded' }).waitFor();
    expect(await tab.getByTestId('flagged-item').count()).toBe(0);
    expect(await tab.getByRole('heading', { name: 'Escalations' }).count()).toBe(0);
    await expectAccessible(tab, 'admin-attention-refused');
    await screenshots(tab, 'admin-attention-refused');

    // The session list answers a provider their own sessions: the screen itself says it is not theirs.
    await tab.goto(`${platform.baseUrl}/admin/sessions`);
    await tab.getByRole('alert').filter({ hasText: 'This screen is for district and school admins' }).waitFor();
    expect(await tab.getByRole('table').count()).toBe(0);
    await expectAccessible(tab, 'admin-sessions-refused');
    await tab.close();
  }, 60_000);
});
