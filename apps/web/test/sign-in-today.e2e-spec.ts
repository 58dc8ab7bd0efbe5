import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent } from '../../gateway/test/support/session-fixtures';
import { minutesAgo, startSession } from '../../gateway/test/support/session-harness';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, startBrowserPlatform, TestBrowser, signInOnScreen } from './support/browser';

const ZONE = 'America/Chicago';
const PLACE = 'Room 12';
const CLASHING_PLACE = 'Library';

/** The district's calendar day now. */
const districtToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** The refresh token the app keeps in the tab's sessionStorage (a string: this file is compiled without the DOM's types). */
const storedRefreshToken = (page: Page) => page.evaluate<string | null>("sessionStorage.getItem('sessionledger.refreshToken')");

/** The label of the focused input (labels of Mantine inputs end with " *" when required). */
const focusedLabel = (page: Page) => page.evaluate<string | undefined>('document.activeElement?.labels?.[0]?.textContent');

/**
 * A provider's first minute in the web app, in Chromium against the whole
 * platform: sign in, see today's planned group session, sign out; a wrong
 * password explained in words. Every screen is checked with axe and
 * photographed at desktop, tablet and phone sizes.
 */
describe('Web app: sign in and Today', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let provider: TestUser;
  let endedSessionId: string;

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0].id;
    const admin = await signIn(platform.gateway, district.admin.email);
    provider = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Tess' });
    const students = await Promise.all([0, 1, 2].map(() => addStudent(platform.gateway, admin, school)));
    const group = await addGroup(platform.gateway, admin, school, provider.id, students.map((student) => student.id));
    const tutor: Session = await signIn(platform.gateway, provider.email);
    await as(platform.gateway, tutor)
      .post('/api/series')
      .send({ service: 'tutoring', type: 'group', groupId: group.id, placeOfService: PLACE, start: `${districtToday()}T15:00`, durationMinutes: 45, rrule: 'FREQ=DAILY;COUNT=3' })
      .expect(201);
    // Half an hour into the group session: the calendar warns of the double booking.
    await as(platform.gateway, tutor)
      .post('/api/series')
      .send({ service: 'tutoring', type: 'individual', studentIds: [students[0].id], placeOfService: CLASHING_PLACE, start: `${districtToday()}T15:30`, durationMinutes: 30, rrule: 'FREQ=DAILY;COUNT=1' })
      .expect(201);
    // A session run earlier and ended: its attendance and notes tasks are due.
    const earlier = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(90) });
    await as(platform.gateway, tutor).post(`/api/sessions/${earlier.id}/end`).send({ version: earlier.version, endedAt: minutesAgo(45) }).expect(200);
    endedSessionId = earlier.id;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signs a provider in to Today with the planned session, keeps them signed in on reload, and signs them out everywhere', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Sessionledger' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshots(page, 'sign-in');

    await signInOnScreen(page, provider.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/today');
    expect(await page.getByTestId('user-name').textContent()).toMatch(/^Tess User\d+$/);
    expect(await page.getByTestId('district-name').textContent()).toBe(`District ${district.domain}`);

    const planned = page.getByTestId('calendar-entry').filter({ hasText: PLACE });
    await planned.waitFor();
    const text = await planned.textContent();
    expect(text).toContain('3 participants');
    expect(text).toContain('Planned');
    expect(await planned.getByRole('link', { name: 'Start' }).getAttribute('href')).toMatch(/^\/sessions\/new\?seriesId=[0-9a-f-]{36}&occurrenceStart=/);
    expect(await page.getByRole('link', { name: 'New session' }).getAttribute('href')).toBe('/sessions/new');

    const clash = page.getByTestId('calendar-entry').filter({ hasText: CLASHING_PLACE });
    expect(await clash.textContent()).toContain('Double-booked');
    expect(await planned.textContent()).toContain('Double-booked');
    expect(await page.getByRole('alert').filter({ hasText: 'Double-booked' }).count()).toBe(1);

    const tasks = page.getByRole('region', { name: 'Post-session tasks' });
    await tasks.getByRole('link', { name: /^Attendance for the session of/ }).waitFor();
    expect(await tasks.getByRole('link', { name: /^Notes for the session of/ }).getAttribute('href')).toBe(`/sessions/${endedSessionId}`);
    await expectAccessible(page, 'today');
    await screenshots(page, 'today');

    await page.getByText('Week', { exact: true }).click();
    await page.getByRole('heading', { name: 'Your week' }).waitFor();
    // The daily series: today and the next two days, as far as this week goes.
    await page.getByTestId('calendar-entry').filter({ hasText: PLACE }).first().waitFor();
    await expectAccessible(page, 'today-week');
    await screenshots(page, 'today-week');

    await page.getByRole('button', { name: 'Get a feed link' }).click();
    const feed = page.getByLabel('Your feed link');
    await feed.waitFor();
    expect(await feed.inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/calendar-feeds\/[0-9a-f-]{36}\.[A-Za-z0-9_-]+\.ics$/);
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    await expectAccessible(page, 'today-feed-link');
    await screenshots(page, 'today-feed-link');

    // A reload keeps the sign-in: the stored refresh token buys a new access token.
    await page.reload();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    const refreshToken = await storedRefreshToken(page);
    expect(refreshToken).toBeTruthy();

    // On a phone the navigation folds behind the menu button; sign out from there.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Sessions' }).waitFor();
    await expectAccessible(page, 'navigation');
    await screenshots(page, 'navigation', { fullPage: false });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Sessionledger' }).waitFor();
    expect(await storedRefreshToken(page)).toBeNull();
    // Signed out on the server too: the refresh token no longer works.
    await request(platform.gateway.getHttpServer()).post('/api/auth/refresh').send({ refreshToken }).expect(401);
    // And the app's screens send a signed-out visitor to the sign-in screen.
    await page.goto(`${platform.baseUrl}/today`);
    await page.getByRole('heading', { name: 'Sign in to Sessionledger' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.close();
  }, 180_000);

  it('says in words why a wrong password is refused, with the keyboard alone', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in to Sessionledger' }).waitFor();
    // Tab order: e-mail, password, then Enter submits the form.
    await page.keyboard.press('Tab');
    expect(await focusedLabel(page)).toMatch(/^E-mail/);
    await page.keyboard.type(provider.email);
    await page.keyboard.press('Tab');
    expect(await focusedLabel(page)).toMatch(/^Password/);
    await page.keyboard.type('not the password at all');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'The e-mail or password is not correct' });
    await alert.waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expectAccessible(page, 'sign-in-refused');
    await screenshots(page, 'sign-in-refused');
    await page.close();
  }, 120_000);

  it('asks for the second factor when the account has one, explains a wrong code, and takes a recovery code', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'coach', name: 'Mo' });
    const session = await signIn(platform.gateway, user.email);
    const started = await as(platform.gateway, session).post('/api/me/mfa/totp').expect(200);
    const secret: string = started.body.secret;
    const confirmed = await as(platform.gateway, session).post('/api/me/mfa/totp/confirm').send({ code: await generate({ secret }) }).expect(200);
    const [recoveryCode] = confirmed.body.recoveryCodes as string[];
    // A code valid in no step the API accepts now.
    const valid = new Set(await Promise.all([-1, 0, 1, 2].map((steps) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 }))));
    const wrong = ['000000', '111111', '222222', '333333', '444444'].find((code) => !valid.has(code)) ?? '555555';

    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/sign-in`);
    await signInOnScreen(page, user.email, TEST_PASSWORD);
    const code = page.getByLabel(/^Authenticator code/);
    await code.waitFor();
    await expectAccessible(page, 'sign-in-second-factor');
    await screenshots(page, 'sign-in-second-factor');

    await code.fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/code/i);

    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel(/^Recovery code/).fill(recoveryCode);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    expect(await page.getByTestId('user-name').textContent()).toMatch(/^Mo User\d+$/);

    // On a page load the first Tab offers to skip the header and navigation; taking it puts focus on the screen itself.
    await page.reload();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('main');
    await page.close();
  }, 120_000);
});
