import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, startBrowserPlatform, TestBrowser, signInToToday } from './support/browser';

const NOTE = 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.';

interface SessionPay {
  decisions: { sessionVersion: number; payable: boolean; reason: string }[];
  payLines: { sessionVersion: number; kind: string; minutes: number; rateCents: number; amountCents: number }[];
}

/** The browser's device zone: far from any US district's, so a screen showing the device's time would be hours off. */
const DEVICE_TIME_ZONE = 'Asia/Tokyo';

/** `YYYY-MM-DDTHH:mm` on the district's wall clock, as the datetime-local inputs take it. */
function districtInput(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** "9:05 PM" of an instant in a zone, spaces normalised (Intl may use a narrow no-break space). */
function clock(at: string | Date, timeZone: string): string {
  return new Date(at).toLocaleTimeString('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).replace(/\s/g, ' ');
}

/**
 * A provider's day in the web app, in Chromium against the whole platform:
 * a 4-student group session from Today to posted and paid (the pay line read
 * back through the API), an ad hoc session with a student of another
 * school, bulk posting, an amendment, and the API's refusals in words.
 * Every screen is checked with axe and photographed at three sizes.
 */
describe('Web app: run, log and post a session', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let provider: TestUser;
  let tutor: Session;
  let page: Page;
  let groupName: string;
  let groupId: string;
  let postedSessionId: string;
  const names: string[] = [];

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser({ timezoneId: DEVICE_TIME_ZONE });
    district = await platform.district(2);
    const [home, other] = district.schools.map((s) => s.id);
    const admin = await signIn(platform.gateway, district.admin.email);
    provider = await district.user(['provider'], { schoolIds: [home, other], providerKind: 'tutor', name: 'Pia' });
    const students = await Promise.all(['Ada', 'Ben', 'Cal', 'Dee'].map((firstName) => addStudent(platform.gateway, admin, home, { firstName })));
    names.push(...students.map((s) => `${s.firstName} ${s.lastName}`));
    await addStudent(platform.gateway, admin, other, { firstName: 'Zephyrine', lastName: 'Quillfeather' });
    const group = await addGroup(platform.gateway, admin, home, provider.id, students.map((s) => s.id));
    groupId = group.id;
    groupName = (await as(platform.gateway, admin).get(`/api/groups/${group.id}`).expect(200)).body.name;
    await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: provider.id, schoolId: home });
    tutor = await signIn(platform.gateway, provider.email);
    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, provider.email, TEST_PASSWORD);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('runs a 4-student group session from Today to posted, and the pay line comes back through the API', async () => {
    await page.getByRole('link', { name: 'New session' }).first().click();
    await page.getByRole('heading', { name: 'New session', level: 1 }).waitFor();
    // The provider's only group, and the one work order of the group's school, are chosen already.
    const group = page.getByRole('radio', { name: new RegExp(groupName) });
    const tutoring = page.getByRole('radio', { name: /^Tutoring/ });
    await waitFor(async () => (await group.isChecked()) && (await tutoring.isChecked()), 15_000);
    const timeZone = (await as(platform.gateway, tutor).get('/api/district').expect(200)).body.timeZone as string;
    expect(timeZone).not.toBe(DEVICE_TIME_ZONE);
    const startAt = new Date(Math.floor((Date.now() - 45 * 60_000) / 60_000) * 60_000);
    await page.getByLabel('Start').fill(districtInput(startAt, timeZone));
    await page.getByText(`Times in `, { exact: false }).filter({ hasText: `(${timeZone})` }).first().waitFor();
    await expectAccessible(page, 'new-session');
    await screenshots(page, 'new-session');
    await page.getByRole('button', { name: 'Start session' }).click();

    await page.getByRole('heading', { name: /^Active session/, level: 1 }).waitFor();
    // The start the API recorded is the instant typed on the district's clock, and the header shows it on that clock, not the device's.
    const running = await as(platform.gateway, tutor).get('/api/sessions').query({ providerId: provider.id, state: 'active' }).expect(200);
    const startedAt = (running.body.items[0] as { startedAt: string }).startedAt;
    expect(new Date(startedAt).getTime()).toBe(startAt.getTime());
    const shown = ((await page.getByTestId('session-started').textContent()) ?? '').replace(/\s/g, ' ');
    expect(shown).toContain(clock(startedAt, timeZone));
    expect(shown).not.toContain(clock(startedAt, DEVICE_TIME_ZONE));
    expect(await page.getByTestId('session-work-order').textContent()).toContain('Tutoring');
    await page.getByRole('button', { name: 'Everyone present (4)' }).click();
    await page.getByRole('button', { name: /^Everyone present/ }).waitFor({ state: 'detached' });
    await waitFor(async () => (await page.getByText('Not marked yet').count()) === 0, 15_000);
    // The group's first session: nothing to repeat from a last one.
    expect(await page.getByRole('button', { name: /^Same qualifiers as last session/ }).count()).toBe(0);

    // Qualifiers once, given to everyone present (the default in a group session); the subject is one tap.
    await page.getByRole('button', { name: `Edit ${names[0]}'s encounter` }).click();
    const dialog = page.getByRole('dialog', { name: `Encounter: ${names[0]}` });
    await dialog.getByRole('checkbox', { name: /^Remedial/ }).check();
    await dialog.getByRole('checkbox', { name: /D or F grade/ }).check();
    await dialog.getByRole('radiogroup', { name: /^Subject tutored/ }).getByText('Reading', { exact: true }).click();
    expect(await dialog.getByRole('radio', { name: 'Reading', exact: true }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'Give these qualifiers to everyone present' }).isChecked()).toBe(true);
    await expectAccessible(page, 'encounter');
    await screenshots(page, 'encounter');
    await dialog.getByRole('button', { name: 'Save encounter' }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitFor(async () => (await page.getByText('Remedial (Reading)').count()) === 4, 15_000);
    await page.getByText('Payable', { exact: true }).waitFor();

    for (const name of names) {
      await page.getByLabel(`Student note to ${name}`).fill(NOTE);
      await page.getByLabel(`Student note to ${name}`).blur();
    }
    await waitFor(async () => !(await page.getByTestId('audit-problems').textContent().catch(() => ''))?.includes('student note'), 15_000);
    await expectAccessible(page, 'session-running');
    await screenshots(page, 'session-running');

    // Refusal: a second active session, in words, with the way back.
    const runningUrl = page.url();
    await page.goto(`${platform.baseUrl}/sessions/new`);
    await page.getByRole('heading', { name: 'New session', level: 1 }).waitFor();
    await page.getByRole('radio', { name: /No group: ad hoc/ }).check();
    await page.getByRole('radio', { name: /time tracking only/ }).check();
    await page.getByRole('combobox', { name: 'School' }).click();
    await page.getByRole('option').first().click();
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('alert').filter({ hasText: 'You already have an active session' }).waitFor();
    await expectAccessible(page, 'new-session-refused');
    await screenshots(page, 'new-session-refused');
    await page.getByRole('link', { name: /Go to your active session/ }).click();
    expect(page.url()).toBe(runningUrl);

    // One tap ends the session now and opens the review.
    await page.getByRole('button', { name: 'End now' }).click();
    await page.getByRole('heading', { name: 'Review and post', level: 1 }).waitFor();
    postedSessionId = new URL(page.url()).pathname.split('/')[2];
    await page.getByText('Nothing is missing: ready to post.').waitFor();
    await expectAccessible(page, 'post');
    await screenshots(page, 'post');

    // Refusal: a wrong signing password, in words; nothing is posted.
    await page.getByLabel('Your password').fill('not my password at all');
    await page.getByRole('button', { name: 'Sign and post' }).click();
    await page.getByRole('alert').filter({ hasText: 'The password is not correct' }).waitFor();
    await expectAccessible(page, 'post-refused');
    await screenshots(page, 'post-refused');

    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign and post' }).click();
    await page.getByRole('heading', { name: 'Posted session', level: 1 }).waitFor();
    await page.getByTestId('pay-decision').filter({ hasText: '$22.50 for 45 minutes' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('signature-meaning').filter({ hasText: 'I attest that this service was provided as documented' }).waitFor();

    let pay: SessionPay | undefined;
    await waitFor(async () => {
      const response = await as(platform.gateway, tutor).get(`/api/sessions/${postedSessionId}/pay`);
      pay = response.status === 200 ? response.body : undefined;
      return Boolean(pay?.payLines.length);
    }, 20_000);
    expect(pay?.payLines.map((l) => [l.sessionVersion, l.kind, l.minutes, l.rateCents, l.amountCents])).toEqual([[1, 'payment', 45, 3000, 2250]]);
    await expectAccessible(page, 'posted');
    await screenshots(page, 'posted');
  }, 120_000);

  it('amends a posted session with a reason and keeps both versions readable', async () => {
    await page.goto(`${platform.baseUrl}/sessions/${postedSessionId}/post`);
    await page.getByRole('button', { name: 'Amend this session' }).click();
    await page.getByLabel('Reason for the amendment').fill('The description was missing');
    await page.getByLabel('Description').fill('Fractions practice');
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await expectAccessible(page, 'amend');
    await page.getByRole('button', { name: 'Sign the amendment' }).click();
    const versions = page.getByRole('table', { name: 'Signed versions' });
    await versions.getByText('The description was missing').waitFor();
    expect(await versions.getByRole('row').count()).toBe(3);
    await screenshots(page, 'versions');
  }, 60_000);

  it('runs an ad hoc session with a student of another school, then bulk posting says why it was left out', async () => {
    await page.goto(`${platform.baseUrl}/sessions/new`);
    await page.getByRole('radio', { name: /No group: ad hoc/ }).check();
    await page.getByRole('radio', { name: /time tracking only/ }).check();
    await page.getByRole('combobox', { name: 'School' }).click();
    await page.getByRole('option').first().click();
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: /^Active session/, level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Add student' }).click();
    await page.getByLabel("Student's first or last name").fill('zeph');
    const found = page.getByRole('button', { name: /^Add Zephyrine Quillfeather/ });
    await found.waitFor();
    await expectAccessible(page, 'student-search');
    await screenshots(page, 'student-search');
    await found.click();
    const dialog = page.getByRole('dialog', { name: 'Encounter: Zephyrine Quillfeather' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Save encounter' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('session-work-order').filter({ hasText: 'time tracking only' }).waitFor();
    await page.getByRole('button', { name: 'Encounter of Zephyrine Quillfeather' }).waitFor();

    // Another end time: "End at…", its dialog, "End only".
    await page.getByRole('button', { name: 'End at…' }).click();
    const ending = page.getByRole('dialog', { name: 'End the session at another time' });
    await ending.getByLabel('Ended at').waitFor();
    // After the dialog's opening transition (mid-fade, its colours are neither the page's nor its own).
    // (A string: this file is compiled without the DOM's types; polled from here, as the app's CSP forbids eval in the page.)
    const settled = `[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => getComputedStyle(el).opacity === '1')`;
    await waitFor(async () => (await page.evaluate(settled)) === true, 5_000);
    await expectAccessible(page, 'end-at');
    await screenshots(page, 'end-at', { fullPage: false });
    await ending.getByRole('button', { name: 'End only' }).click();
    await page.getByRole('heading', { name: 'Tags', level: 2 }).waitFor();
    await expectAccessible(page, 'session-ended');
    await screenshots(page, 'session-ended');

    // Each audit item links to where it is fixed: the missing note's field gets the focus.
    await page.getByRole('link', { name: 'Write the student note' }).click();
    await waitFor(async () => ((await page.locator(':focus').getAttribute('id').catch(() => null)) ?? '').startsWith('note-'), 5_000);

    // Tags once ended: one tap on a Career Ladder goal saves it.
    await page.getByRole('button', { name: 'Tags', exact: true }).click();
    const tags = page.getByRole('dialog', { name: 'Session tags' });
    await tags.getByText('Improve student achievement').click();
    await expectAccessible(page, 'tags');
    await screenshots(page, 'tags');
    await tags.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('region', { name: 'Tags' }).getByText('Improve student achievement').waitFor();

    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('heading', { name: 'My sessions this week', level: 1 }).waitFor();
    await page.getByRole('link', { name: /Tutoring/ }).first().waitFor();
    // Off the navigation link: its hover colours are the shell's, not this screen's.
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'sessions');
    await screenshots(page, 'sessions');

    await page.goto(`${platform.baseUrl}/post`);
    await page.getByRole('heading', { name: 'Post the week', level: 1 }).waitFor();
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign and post every complete session' }).click();
    const results = page.getByRole('table', { name: 'Results per session' });
    await results.waitFor();
    await results.getByText('Zephyrine Quillfeather has no student note').waitFor();
    await expectAccessible(page, 'bulk-post');
    await screenshots(page, 'bulk-post');
  }, 90_000);

  it('starts a planned occurrence from Today pre-filled, and deletes a session started by mistake', async () => {
    const district = await as(platform.gateway, tutor).get('/api/district').expect(200);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: district.body.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    await as(platform.gateway, tutor)
      .post('/api/series')
      .send({ service: 'tutoring', type: 'group', groupId, placeOfService: 'Library', start: `${day}T23:30`, durationMinutes: 45, rrule: 'FREQ=DAILY;COUNT=1' })
      .expect(201);
    await page.goto(`${platform.baseUrl}/today`);
    const planned = page.getByTestId('calendar-entry').filter({ hasText: 'Library' });
    await planned.getByRole('link', { name: 'Start' }).click();
    await page.getByText('From your calendar').waitFor();
    await expectAccessible(page, 'new-session-from-calendar');
    await screenshots(page, 'new-session-from-calendar');
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: `Students of ${groupName} (4)` }).waitFor();

    // The group's last session (the one posted above) is offered as one tap, naming what it sets; nothing is set before the tap.
    await page.getByRole('button', { name: 'Everyone present (4)' }).click();
    await waitFor(async () => (await page.getByText('Not marked yet').count()) === 0, 15_000);
    const same = page.getByRole('button', { name: 'Same qualifiers as last session (Remedial · D or F grade · Reading)' });
    await same.waitFor();
    expect(await page.getByText('Remedial (Reading)').count()).toBe(0);
    await expectAccessible(page, 'last-qualifiers');
    await screenshots(page, 'last-qualifiers');
    await same.click();
    await waitFor(async () => (await page.getByText('Remedial (Reading)').count()) === 4, 15_000);
    await same.waitFor({ state: 'detached' });

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete session started by mistake' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    const active = await as(platform.gateway, tutor).get('/api/sessions').query({ providerId: provider.id, state: 'active' }).expect(200);
    expect(active.body.total).toBe(0);
  }, 60_000);
});
