import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots as photograph, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

interface District {
  name: string;
  timeZone: string;
  version: number;
  settings: { lateEntryDays: number };
}
interface Catalog {
  version: number;
  catalog: { services: { code: string; name: string; activities: string[] }[]; subjects: string[] };
}
interface BellSchedule {
  days: Record<string, { start: string; end: string } | null> | null;
  timeZone: string | null;
  version: number;
}

/** The whole page from its top: scrolled down, the shell's fixed header would be pictured mid-page. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.mouse.move(700, 20);
  await photograph(page, name);
}

/**
 * District settings in Chromium against the whole platform. A district admin
 * changes the time zone, a catalog entry, a school's bell schedule and the
 * closure days, and the API then answers each change; a value the API
 * refuses shows its words beside the field; a save over someone else's
 * change says so and keeps what was typed. A school admin is neither offered
 * the screen nor shown it. Axe and three widths on every tab.
 */
describe('Web app: district settings', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let schoolAdmin: TestUser;
  let adminApi: Session;
  let page: Page;

  const api = () => as(platform.gateway, adminApi);
  const tab = (name: string) => page.getByRole('tab', { name });

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(2);
    schoolAdmin = await district.user(['school_admin'], { schoolIds: [district.schools[0].id], name: 'Sam' });
    adminApi = await signIn(platform.gateway, district.admin.email);
    // State reporting reads bell schedules in the district's zone: it must have the district before one is set.
    await waitFor(async () => ((await api().get(`/api/schools/${district.schools[1].id}/bell-schedule`)).body as BellSchedule).timeZone !== null, 30_000);
    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, district.admin.email, TEST_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'District settings' }).click();
    await page.getByRole('heading', { name: 'District settings', level: 1 }).waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('changes the time zone and a window, which the API then answers', async () => {
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    expect(await zone.inputValue()).toBe('America/Chicago');
    await zone.fill('America/New_York');
    await page.keyboard.press('Escape');
    await page.getByLabel('Late entry window (days)').fill('21');
    await page.getByRole('button', { name: 'Save the district' }).click();
    await page.getByText('Saved.').waitFor();

    const stored = (await api().get('/api/district').expect(200)).body as District;
    expect(stored.timeZone).toBe('America/New_York');
    expect(stored.settings.lateEntryDays).toBe(21);
    await expectAccessible(page, 'settings-district');
    await screenshots(page, 'settings-district');
  }, 90_000);

  it('shows the API’s refusal of a value beside its field and keeps the value typed', async () => {
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    await zone.fill('Mars/Olympus_Mons');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save the district' }).click();
    await page.getByText('must be an IANA time zone such as America/Chicago').waitFor();
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    expect(await zone.inputValue()).toBe('Mars/Olympus_Mons');
    // Each problem shows once, beside its field, not again in the alert.
    expect(await page.getByText('must be an IANA time zone such as America/Chicago').count()).toBe(1);

    // A window past its limit is refused by the API's validation, named by its path in the body.
    const lateEntry = page.getByLabel('Late entry window (days)');
    await lateEntry.fill('120');
    await page.getByRole('button', { name: 'Save the district' }).click();
    await page.getByText('lateEntryDays must not be greater than 90').waitFor();
    expect(await lateEntry.getAttribute('aria-invalid')).toBe('true');
    expect(await lateEntry.inputValue()).toBe('120');
    const stored = (await api().get('/api/district').expect(200)).body as District;
    expect(stored.timeZone).toBe('America/New_York');
    expect(stored.settings.lateEntryDays).toBe(21);
    await expectAccessible(page, 'settings-district-refused');
    await screenshots(page, 'settings-district-refused');
    await page.getByRole('button', { name: 'Discard my changes' }).click();
    expect(await zone.inputValue()).toBe('America/New_York');
  }, 60_000);

  it('says the district was changed by someone else, keeps what was typed, and reloads their version', async () => {
    // A fresh read, whatever an earlier test left typed.
    await page.reload();
    const name = page.getByLabel('Name', { exact: true });
    await waitFor(async () => (await name.inputValue()) !== '', 20_000);
    await name.fill('Typed Here Unified');
    // Another admin renames the district after this screen read it.
    const read = (await api().get('/api/district').expect(200)).body as District;
    await api().patch('/api/district').send({ version: read.version, name: 'Renamed Elsewhere Unified' }).expect(200);

    await page.getByRole('button', { name: 'Save the district' }).click();
    const stale = page.getByTestId('stale-alert');
    await stale.getByText('Changed by someone else while you were editing').waitFor();
    expect(await name.inputValue()).toBe('Typed Here Unified');
    expect(((await api().get('/api/district').expect(200)).body as District).name).toBe('Renamed Elsewhere Unified');
    await expectAccessible(page, 'settings-district-stale');
    await screenshots(page, 'settings-district-stale');

    await stale.getByRole('button', { name: 'Reload' }).click();
    await waitFor(async () => (await name.inputValue()) === 'Renamed Elsewhere Unified', 15_000);
    expect(await stale.count()).toBe(0);
  }, 60_000);

  it('renames a subject, adds an activity and removes one, sending the catalog with its version', async () => {
    const before = (await api().get('/api/session-catalog').expect(200)).body as Catalog;
    await tab('Session catalog').click();
    await page.getByRole('heading', { name: 'Session catalog', level: 2 }).waitFor();
    const subject = page.getByRole('textbox', { name: 'Subject 1', exact: true });
    expect(await subject.inputValue()).toBe('Reading');
    await subject.fill('Reading and writing');
    await page.getByRole('textbox', { name: 'New activity of Tutoring' }).fill('Phonics games');
    await page.getByRole('button', { name: 'Add the activity of Tutoring' }).click();
    await page.getByRole('button', { name: 'Remove activity “Homework help” of Tutoring' }).click();
    // A duplicate is refused on the spot, before anything is sent.
    await page.getByRole('textbox', { name: 'New subject' }).fill('science');
    await page.getByRole('button', { name: 'Add the subject' }).click();
    await page.getByText('“science” is already in the list').waitFor();
    await page.getByRole('button', { name: 'Save the catalog' }).click();
    await page.getByRole('tabpanel', { name: 'Session catalog' }).getByText('Saved.').waitFor();

    const after = (await api().get('/api/session-catalog').expect(200)).body as Catalog;
    expect(after.version).toBe(before.version + 1);
    expect(after.catalog.subjects[0]).toBe('Reading and writing');
    const tutoring = after.catalog.services.find((service) => service.code === 'tutoring');
    expect(tutoring?.activities).toContain('Phonics games');
    expect(tutoring?.activities).not.toContain('Homework help');
    expect(new URL(page.url()).searchParams.get('section')).toBe('catalog');
    await expectAccessible(page, 'settings-catalog');
    await screenshots(page, 'settings-catalog');
  }, 90_000);

  it('sets a school’s bell schedule, the API’s refusal of an end before the start shown beside it', async () => {
    await tab('Bell schedules').click();
    await page.getByRole('combobox', { name: 'School' }).click();
    await page.getByRole('option', { name: district.schools[1].name }).click();
    await page.getByText('This school has no bell schedule yet.').waitFor();
    await page.getByRole('checkbox', { name: 'Monday' }).check();
    await page.getByLabel('Monday start').fill('08:00');
    await page.getByLabel('Monday end').fill('07:30');
    await page.getByRole('checkbox', { name: 'Friday' }).check();
    await page.getByRole('button', { name: 'Save the bell schedule' }).click();
    await page.getByText('end must be after start (08:00)').waitFor();
    expect(await page.getByLabel('Monday end').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Monday end').fill('15:30');
    await page.getByRole('button', { name: 'Save the bell schedule' }).click();
    await page.getByRole('tabpanel', { name: 'Bell schedules' }).getByText('Saved.').waitFor();
    const stored = (await api().get(`/api/schools/${district.schools[1].id}/bell-schedule`).expect(200)).body as BellSchedule;
    expect(stored.days?.monday).toEqual({ start: '08:00', end: '15:30' });
    expect(stored.days?.friday).toEqual({ start: '08:00', end: '15:00' });
    expect(stored.days?.tuesday ?? null).toBeNull();
    expect(stored.version).toBe(1);
    await expectAccessible(page, 'settings-bell-schedule');
    await screenshots(page, 'settings-bell-schedule');
  }, 90_000);

  it('adds two closure days with names and removes one, the API then answering the one left', async () => {
    await tab('Closure days').click();
    await page.getByText('No closure day yet.').waitFor();
    for (const [date, name] of [
      ['2027-01-18', 'Martin Luther King Jr. Day'],
      ['2027-02-15', 'Presidents’ Day'],
    ]) {
      await page.getByLabel('Closed on').fill(date);
      await page.getByLabel('Name (optional)').fill(name);
      await page.getByRole('button', { name: 'Add the day' }).click();
    }
    await page.getByLabel('Closed on').fill('2027-01-18');
    await page.getByRole('button', { name: 'Add the day' }).click();
    await page.getByText('2027-01-18 is already closed (Martin Luther King Jr. Day)').waitFor();
    await page.getByRole('button', { name: 'Save the closure days' }).click();
    await page.getByRole('tabpanel', { name: 'Closure days' }).getByText('Saved.').waitFor();
    expect((await api().get('/api/closure-days').expect(200)).body.days).toEqual([
      { date: '2027-01-18', name: 'Martin Luther King Jr. Day' },
      { date: '2027-02-15', name: 'Presidents’ Day' },
    ]);
    await expectAccessible(page, 'settings-closure-days');
    await screenshots(page, 'settings-closure-days');

    await page.getByRole('button', { name: /Remove the closure day .*Feb 15, 2027/ }).click();
    await page.getByRole('button', { name: 'Save the closure days' }).click();
    await page.getByRole('tabpanel', { name: 'Closure days' }).getByText('Saved.').waitFor();
    expect((await api().get('/api/closure-days').expect(200)).body.days).toEqual([{ date: '2027-01-18', name: 'Martin Luther King Jr. Day' }]);
    expect(await page.getByTestId('closure-day').count()).toBe(1);
  }, 90_000);

  it('offers a school admin no settings and refuses the screen in words', async () => {
    const other = await browser.newPage();
    await signInToToday(other, platform.baseUrl, schoolAdmin.email, TEST_PASSWORD);
    const navigation = other.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Work orders' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'District settings' }).count()).toBe(0);
    await other.goto(`${platform.baseUrl}/admin/settings`);
    await other.getByRole('alert').filter({ hasText: 'This screen is for district admins' }).waitFor();
    expect(await other.getByRole('tab').count()).toBe(0);
    await expectAccessible(other, 'settings-refused');
    await other.close();
  }, 60_000);
});
