import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { writeZip } from '../../gateway/src/roster/zip/zip-writer';
import { TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInOnScreen, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

const TEMPLATES = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'templates_constructed', 'v1.1');
const ACTIVE = ['active', '2025-08-01T00:00:00Z'];
/** An import runs in a child process that compiles on start: on two loaded cores, over a minute. A bound, not an expectation. */
const IMPORT_TIMEOUT = 150_000;
/** The header reads the notices every 10 s; the import's event then travels through the outbox and scheduling. */
const NOTICE_TIMEOUT = IMPORT_TIMEOUT + 60_000;

/** One school, one teacher, one student in one class: the smallest roster worth importing. */
function tinyRoster(suffix: string): Buffer {
  const header = (name: string) => readFileSync(join(TEMPLATES, name), 'utf8').split(/\r?\n/)[0];
  const line = (fields: string[]) => fields.join(',');
  return writeZip({
    'manifest.csv': 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n',
    'orgs.csv': [header('orgs.csv'), line(['d1', ...ACTIVE, 'Notice District', 'district', '6660000', '']), line(['s1', ...ACTIVE, 'Notice School', 'school', `66${suffix}`, 'd1'])].join('\n') + '\n',
    // sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
    'users.csv':
      [
        header('users.csv'),
        line(['t1', ...ACTIVE, 'true', 's1', 'teacher', 'tnote', '', 'Tam', 'Note', '', 'T1', `tam.note@${suffix}.example.org`, '', '', '', '', '']),
        line(['st1', ...ACTIVE, 'true', 's1', 'student', 'snote', '', 'Sky', `Note${suffix}`, '', `N1${suffix}`, '', '', '', '', '03', '']),
      ].join('\n') + '\n',
    'classes.csv': [header('classes.csv'), line(['c1', ...ACTIVE, 'Reading', '03', '', 'RD', 'scheduled', '', 's1', '', '', '', ''])].join('\n') + '\n',
    'enrollments.csv': [header('enrollments.csv'), line(['e1', ...ACTIVE, 'c1', 's1', 't1', 'teacher', 'true', '', '']), line(['e2', ...ACTIVE, 'c1', 's1', 'st1', 'student', 'false', '', ''])].join('\n') + '\n',
  });
}

/** The bell once its name says `label` (a locator: the app's Content-Security-Policy refuses evaluated strings). */
function bellSaying(page: Page, label: string) {
  return page.locator(`[data-testid="job-notices-button"][aria-label=${JSON.stringify(label)}]`);
}

/** The whole page from its top: scrolled down, the shell's fixed header would be pictured mid-page. */
async function photograph(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (options.fullPage !== false) await page.evaluate('window.scrollTo(0, 0)');
  await screenshots(page, name, options);
}

/**
 * Finished jobs in Chromium against the whole platform: a district admin
 * starts a roster import and moves on to another screen; when the import
 * ends, the header's bell counts it, screen readers are told politely, and
 * its notice leads back to the import, read. Payroll alone is offered only
 * the screens the API lets payroll use, and starts on the pay periods.
 * Axe and three widths on every screen.
 */
describe('Web app: finished jobs announced, and navigation by role', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let payroll: TestUser;

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    payroll = await district.user(['payroll'], { name: 'Penny' });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('tells an admin who started an import, on whatever screen they are, that it finished, and its notice leads to the import', async () => {
    const page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, district.admin.email, TEST_PASSWORD);
    const bell = page.getByTestId('job-notices-button');
    expect(await bell.getAttribute('aria-label')).toBe('Finished jobs: none unread');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roster import' }).click();
    await page.getByRole('heading', { name: 'Roster import', level: 1 }).waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: 'oneroster.zip', mimeType: 'application/zip', buffer: tinyRoster(randomBytes(3).toString('hex')) });
    await page.getByRole('button', { name: 'Check the roster (dry run)' }).click();
    await page.getByTestId('import-detail').getByRole('heading', { name: /^Dry run of / }).waitFor();
    const importId = new URL(page.url()).searchParams.get('import');
    expect(importId).toMatch(/^[0-9a-f-]{36}$/);

    // Elsewhere while it runs.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Needs attention' }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await bellSaying(page, 'Finished jobs: 1 unread').waitFor({ timeout: NOTICE_TIMEOUT });
    // Said once to screen readers, politely, by a region that was there before it spoke.
    const announcer = page.getByTestId('job-notice-announcement');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');
    expect(await announcer.textContent()).toBe('Roster import finished.');
    expect(new URL(page.url()).pathname).toBe('/admin/attention');

    await bell.click();
    const list = page.getByRole('dialog', { name: 'Finished jobs' });
    await list.getByTestId('job-notice').first().waitFor();
    expect(await list.getByTestId('job-notice').count()).toBe(1);
    expect(await list.getByTestId('job-notice').first().getByText('Roster import finished').count()).toBe(1);
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    await page.mouse.move(5, 400);
    await expectAccessible(page, 'job-notices-open');
    await photograph(page, 'job-notices-open', { fullPage: false });

    await list.getByRole('link', { name: 'Open the import' }).click();
    await page.getByTestId('import-detail').getByRole('heading', { name: /^Dry run of / }).waitFor();
    expect(new URL(page.url()).searchParams.get('import')).toBe(importId);
    // Followed, it is read: the bell counts nothing and the announcement does not repeat.
    await bellSaying(page, 'Finished jobs: none unread').waitFor({ timeout: 30_000 });
    expect(await announcer.textContent()).toBe('Roster import finished.');
    await page.mouse.move(5, 400);
    await expectAccessible(page, 'job-notice-followed');
    await photograph(page, 'job-notice-followed');
    await page.close();
  }, 400_000);

  it('offers payroll only the pay periods, where they start, and no bell', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/`);
    await signInOnScreen(page, payroll.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: 'Payroll', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/payroll');
    const navigation = page.getByRole('navigation', { name: 'Main' });
    const links = (await navigation.getByRole('link').allTextContents()).map((text) => text.trim());
    expect(links).toContain('Payroll');
    for (const refused of ['Today', 'Sessions', 'Series', 'Post', 'Needs attention', 'Roster import']) expect(links).not.toContain(refused);
    expect(await page.getByTestId('job-notices-button').count()).toBe(0);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'payroll-home');
    await photograph(page, 'payroll-home');

    // On a phone the same entries fold behind the menu button.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Open navigation' }).click();
    expect((await navigation.getByRole('link').allTextContents()).map((text) => text.trim())).toEqual(links);
    await page.close();
  }, 300_000);
});
