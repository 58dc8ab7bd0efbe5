import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, startBrowserPlatform, TestBrowser, signInToToday } from './support/browser';

const ZONE = 'America/Chicago';
const PLACE = 'Room 7';

interface SeriesBody {
  id: string;
  start: string;
  rrule: string;
  splitFrom: string | null;
  version: number;
  placeOfService: string | null;
}
interface OccurrenceBody {
  occurrenceStart: string;
  localStart: string;
  localDate: string;
  cancellation: { attendance: string; reason: string | null } | null;
}

/** The district's calendar day `days` from now, `YYYY-MM-DD`. */
function districtDay(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/** The district's wall clock at an instant, `YYYY-MM-DDTHH:MM`. */
function districtWallClock(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The first Monday at least three days ahead: every occurrence of the series is more than the notice window away. */
function nextMonday(): string {
  for (let days = 3; ; days += 1) {
    const day = districtDay(days);
    if (new Date(`${day}T12:00:00Z`).getUTCDay() === 1) return day;
  }
}

/**
 * A provider's series in the web app, in Chromium against the whole platform:
 * a weekly series made with the recurrence builder, a "this and following"
 * change splitting it, a late cancellation with its consequence, a stale
 * edit refused in words with the way out, and the series reached from Today.
 * Every screen is checked with axe and photographed at three sizes.
 */
describe('Web app: series', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let provider: TestUser;
  let tutor: Session;
  let page: Page;
  let groupName: string;
  let firstSeriesId: string;
  let splitSeriesId: string;
  const monday = nextMonday();

  const api = () => as(platform.gateway, tutor);
  const occurrencesOf = async (seriesId: string): Promise<OccurrenceBody[]> => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 120 * 86_400_000).toISOString();
    return (await api().get(`/api/series/${seriesId}/occurrences`).query({ from, to, pageSize: 200 }).expect(200)).body.items;
  };
  const visibleOccurrences = () => page.getByTestId('occurrence');

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0].id;
    const admin = await signIn(platform.gateway, district.admin.email);
    provider = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Sam' });
    const students = await Promise.all([0, 1, 2].map(() => addStudent(platform.gateway, admin, school)));
    const group = await addGroup(platform.gateway, admin, school, provider.id, students.map((student) => student.id));
    groupName = (await as(platform.gateway, admin).get(`/api/groups/${group.id}`).expect(200)).body.name;
    await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: provider.id, schoolId: school });
    tutor = await signIn(platform.gateway, provider.email);
    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, provider.email, TEST_PASSWORD);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('creates a weekly series with the recurrence builder and shows its occurrences', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
    await page.getByRole('heading', { name: 'Series', level: 1 }).waitFor();
    await page.getByText('No series yet').waitFor();
    await expectAccessible(page, 'series-list-empty');

    await page.getByRole('link', { name: 'New series' }).click();
    await page.getByRole('heading', { name: 'New series', level: 1 }).waitFor();
    await page.getByRole('radio', { name: new RegExp(groupName) }).check();
    // The one work order is chosen already.
    await page.getByRole('radio', { name: /^Tutoring/ }).waitFor();
    expect(await page.getByRole('radio', { name: /^Tutoring/ }).isChecked()).toBe(true);
    await page.getByLabel('First session').fill(`${monday}T15:00`);
    // The first session's weekday is chosen; add Wednesday.
    expect(await page.getByRole('checkbox', { name: 'Mon' }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'Wed' }).check();
    await page.getByRole('textbox', { name: 'Number of sessions' }).fill('6');
    await page.getByLabel('Place of service').fill(PLACE);
    expect(await page.getByTestId('recurrence-summary').textContent()).toContain('Every week on Monday and Wednesday, 6 times');
    await expectAccessible(page, 'new-series');
    await screenshots(page, 'new-series');
    await page.getByRole('button', { name: 'Create series' }).click();

    await page.getByText('Series created').waitFor();
    await waitFor(async () => (await visibleOccurrences().count()) === 6, 15_000);
    firstSeriesId = new URL(page.url()).pathname.split('/').pop() as string;
    expect(await visibleOccurrences().first().textContent()).toContain('3:00 PM');
    await expectAccessible(page, 'series');
    await screenshots(page, 'series');

    const [created] = (await api().get('/api/series').query({ providerId: provider.id }).expect(200)).body.items as SeriesBody[];
    expect(created).toMatchObject({ id: firstSeriesId, start: `${monday}T15:00:00`, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6', placeOfService: PLACE });
    const occurrences = await occurrencesOf(firstSeriesId);
    expect(occurrences.map((o) => o.localStart.slice(11, 16))).toEqual(Array(6).fill('15:00'));
    expect(occurrences.map((o) => new Date(`${o.localDate}T12:00:00Z`).getUTCDay())).toEqual([1, 3, 1, 3, 1, 3]);

    await page.getByRole('link', { name: /All series/ }).click();
    await page.getByTestId('series-row').first().waitFor();
    await expectAccessible(page, 'series-list');
    await screenshots(page, 'series-list');
  }, 60_000);

  it('changes "this and following" from the third occurrence: only that one and the later ones change', async () => {
    await page.goto(`${platform.baseUrl}/series/${firstSeriesId}`);
    await waitFor(async () => (await visibleOccurrences().count()) === 6, 15_000);
    const third = (await occurrencesOf(firstSeriesId))[2];
    await visibleOccurrences().nth(2).getByRole('button', { name: /^Change / }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'This and following' }).check();
    await dialog.getByLabel('Start time').fill('16:30');
    await expectAccessible(page, 'series-change');
    await screenshots(page, 'series-change', { fullPage: false });
    await dialog.getByRole('button', { name: 'Save change' }).click();

    await page.getByTestId('series-notice').filter({ hasText: /^Changed from/ }).waitFor();
    await waitFor(async () => (await visibleOccurrences().count()) === 4, 15_000);
    splitSeriesId = new URL(page.url()).pathname.split('/').pop() as string;
    expect(splitSeriesId).not.toBe(firstSeriesId);
    for (const text of await visibleOccurrences().allTextContents()) expect(text).toContain('4:30 PM');
    await page.getByRole('link', { name: 'Open the earlier series' }).waitFor();
    await expectAccessible(page, 'series-split');
    await screenshots(page, 'series-split');

    // Through the API: the first two keep 15:00 in the old series; from the third on, 16:30 in the new one.
    const before = await occurrencesOf(firstSeriesId);
    expect(before.map((o) => o.localStart.slice(11, 16))).toEqual(['15:00', '15:00']);
    const after = await occurrencesOf(splitSeriesId);
    expect(after.map((o) => o.localStart)).toEqual([`${third.localDate}T16:30:00`, ...after.slice(1).map((o) => `${o.localDate}T16:30:00`)]);
    expect(after).toHaveLength(4);
    const split = (await api().get(`/api/series/${splitSeriesId}`).expect(200)).body as SeriesBody;
    expect(split.splitFrom).toBe(firstSeriesId);
  }, 60_000);

  it('says in words why a change to a series someone else just changed is refused, with the way out', async () => {
    const current = (await api().get(`/api/series/${splitSeriesId}`).expect(200)).body as SeriesBody;
    await visibleOccurrences().last().getByRole('button', { name: /^Change / }).click();
    // Meanwhile the series changes elsewhere (another tab, a school admin).
    await api().patch(`/api/series/${splitSeriesId}`).send({ version: current.version, scope: 'all', description: 'Fractions' }).expect(200);
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Place of service').fill('Library');
    await dialog.getByRole('button', { name: 'Save change' }).click();
    const refusal = dialog.getByRole('alert').filter({ hasText: 'The series was changed by someone else' });
    await refusal.waitFor();
    expect(await dialog.getByTestId('series-error').textContent()).toContain('Reload it, check what changed, and make your change again');
    await expectAccessible(page, 'series-change-refused');
    await screenshots(page, 'series-change-refused', { fullPage: false });
    await dialog.getByRole('button', { name: 'Reload the series' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Fractions', level: 1 }).waitFor();
  }, 60_000);

  it('cancels an occurrence inside the notice window with its reason and states the late-cancellation consequence; Today links to the series', async () => {
    // A session planned in an hour: cancelling now is late.
    const soon = districtWallClock(new Date(Date.now() + 60 * 60_000));
    const late = (await api().post('/api/series').send({ service: 'tutoring', type: 'group', groupId: (await api().get('/api/groups').query({ providerId: provider.id }).expect(200)).body.items[0].id, placeOfService: 'Gym', start: soon, durationMinutes: 30, rrule: 'FREQ=DAILY;COUNT=2' }).expect(201)).body as SeriesBody;

    if (soon.slice(0, 10) === districtDay()) {
      // From Today's calendar, the occurrence's series is one link away.
      await page.goto(`${platform.baseUrl}/today`);
      const entry = page.getByTestId('calendar-entry').filter({ hasText: 'Gym' });
      await entry.getByRole('link', { name: /^Open the series/ }).click();
    } else {
      await page.goto(`${platform.baseUrl}/series/${late.id}`);
    }
    await waitFor(async () => (await visibleOccurrences().count()) === 2, 15_000);
    expect(new URL(page.url()).pathname).toBe(`/series/${late.id}`);

    await visibleOccurrences().first().getByRole('button', { name: /^Cancel / }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('late cancellation');
    await dialog.getByLabel('Reason').fill('Family emergency');
    await expectAccessible(page, 'series-cancel');
    await screenshots(page, 'series-cancel', { fullPage: false });
    await dialog.getByRole('button', { name: 'Cancel this occurrence' }).click();
    await dialog.waitFor({ state: 'detached' });

    const notice = page.getByTestId('series-notice');
    await notice.filter({ hasText: 'late cancellation (billable)' }).waitFor();
    expect(await notice.textContent()).toContain('the family is billed');
    const cancelled = visibleOccurrences().first();
    expect(await cancelled.textContent()).toContain('Cancelled late');
    expect(await cancelled.textContent()).toContain('Reason: Family emergency');
    // Focus moves to the words saying what happened (the Cancel button is gone).
    expect(await page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid")')).toBe('series-notice');
    await expectAccessible(page, 'series-cancelled');
    await screenshots(page, 'series-cancelled');

    const [first, second] = await occurrencesOf(late.id);
    expect(first.cancellation).toMatchObject({ attendance: 'cancelled_billable', reason: 'Family emergency' });
    expect(second.cancellation).toBeNull();
  }, 60_000);
});
