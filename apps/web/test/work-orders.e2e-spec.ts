import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addWorkOrder } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots as photograph, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

interface WorkOrder {
  id: string;
  type: string;
  providerId: string;
  schoolId: string;
  payRateCents: number;
  validFrom: string;
  validTo: string;
  description: string | null;
  active: boolean;
  version: number;
}

const DESCRIPTION = 'Grade 3 reading, after school';

/** A modal is photographed and checked after its opening transition (mid-fade its colours are neither the page's nor its own). */
const MODAL_SETTLED = `[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => getComputedStyle(el).opacity === '1')`;

async function screenshots(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (options.fullPage !== false) await page.evaluate('window.scrollTo(0, 0)');
  await page.mouse.move(700, 20);
  await photograph(page, name, options);
}

/**
 * Work orders in Chromium against the whole platform. A school admin sees
 * only their school's work orders, creates one for a provider approved there
 * (a rate over the API's limit first refused beside the field), changes its
 * rate and last day (first refused as changed by someone else, the typed
 * values kept), deactivates and reactivates it, filtering by active in the
 * address. The provider it names reads it through the API at each step.
 */
describe('Web app: work orders', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let pia: TestUser;
  let piaName: string;
  let schoolAdmin: TestUser;
  let adminApi: Session;
  let piaApi: Session;
  let otherSchoolsOrder: { id: string };
  let page: Page;

  const piasOrders = async () => (await as(platform.gateway, piaApi).get('/api/work-orders').expect(200)).body.items as WorkOrder[];
  const rows = () => page.getByTestId('work-order-row');

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(2);
    const [lincoln, other] = district.schools;
    pia = await district.user(['provider'], { schoolIds: [lincoln.id], providerKind: 'tutor', name: 'Pia' });
    const quinn = await district.user(['provider'], { schoolIds: [other.id], providerKind: 'tutor', name: 'Quinn' });
    schoolAdmin = await district.user(['school_admin'], { schoolIds: [lincoln.id], name: 'Sam' });
    adminApi = await signIn(platform.gateway, district.admin.email);
    piaApi = await signIn(platform.gateway, pia.email);
    const staff = (await as(platform.gateway, adminApi).get(`/api/staff/${pia.id}`).expect(200)).body as { firstName: string; lastName: string };
    piaName = `${staff.firstName} ${staff.lastName}`;
    otherSchoolsOrder = await addWorkOrder(platform.gateway, adminApi, { type: 'club', providerId: quinn.id, schoolId: other.id });

    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, schoolAdmin.email, TEST_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Work orders' }).click();
    await page.getByRole('heading', { name: 'Work orders', level: 1 }).waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('creates a work order for a provider of the school, a rate past the API’s limit refused beside the field', async () => {
    // The district admin's work order at the other school is not the school admin's to see.
    await page.getByText('No work order yet.').waitFor();
    expect(otherSchoolsOrder.id).toBeTruthy();

    await page.getByRole('button', { name: 'New work order' }).click();
    const dialog = page.getByRole('dialog', { name: 'New work order' });
    await dialog.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'Tutoring' }).click();
    await dialog.getByRole('combobox', { name: 'School' }).click();
    await page.getByRole('option', { name: district.schools[0].name }).click();
    await dialog.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: piaName }).click();
    await dialog.getByLabel('Pay rate (dollars an hour)').fill('1500');
    await dialog.getByLabel('First day').fill('2026-08-17');
    await dialog.getByLabel('Last day').fill('2027-05-28');
    await dialog.getByLabel('Description (optional)').fill(DESCRIPTION);
    await dialog.getByRole('button', { name: 'Create the work order' }).click();
    await dialog.getByText('payRateCents must not be greater than 100000').waitFor();
    expect(await dialog.getByLabel('Pay rate (dollars an hour)').getAttribute('aria-invalid')).toBe('true');
    expect(await piasOrders()).toEqual([]);
    await page.waitForFunction(MODAL_SETTLED);
    await expectAccessible(page, 'work-order-new');
    await screenshots(page, 'work-order-new', { fullPage: false });

    await dialog.getByLabel('Pay rate (dollars an hour)').fill('32.50');
    await dialog.getByRole('button', { name: 'Create the work order' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rows().filter({ hasText: DESCRIPTION }).waitFor();
    expect(await rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('$32.50 an hour');

    const [created] = await piasOrders();
    expect(created).toMatchObject({ type: 'tutoring', schoolId: district.schools[0].id, payRateCents: 3250, validFrom: '2026-08-17', validTo: '2027-05-28', description: DESCRIPTION, active: true });
    await expectAccessible(page, 'work-orders');
    await screenshots(page, 'work-orders');
  }, 120_000);

  it('changes the rate and last day, first refused as changed by someone else with the typed values kept', async () => {
    await rows().first().getByRole('button', { name: /^Change the Tutoring work order/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the work order' });
    await dialog.getByText('Type, provider and school stay as created').waitFor();
    await dialog.getByLabel('Pay rate (dollars an hour)').fill('35');
    await dialog.getByLabel('New rate from').waitFor();
    await dialog.getByLabel('Last day').fill('2027-06-30');

    // Another admin changes the description after the dialog read the work order.
    const [read] = await piasOrders();
    await as(platform.gateway, adminApi).patch(`/api/work-orders/${read.id}`).send({ version: read.version, description: 'Changed elsewhere' }).expect(200);
    await dialog.getByRole('button', { name: 'Save the changes' }).click();
    await dialog.getByTestId('stale-alert').getByText('Changed by someone else while you were editing').waitFor();
    expect(await dialog.getByLabel('Pay rate (dollars an hour)').inputValue()).toBe('35');
    expect(await dialog.getByLabel('Last day').inputValue()).toBe('2027-06-30');
    await expectAccessible(page, 'work-order-stale');
    await screenshots(page, 'work-order-stale', { fullPage: false });

    await dialog.getByRole('button', { name: 'Reload' }).click();
    await waitFor(async () => (await dialog.getByLabel('Description (optional)').inputValue()) === 'Changed elsewhere', 15_000);
    await dialog.getByLabel('Pay rate (dollars an hour)').fill('35');
    await dialog.getByLabel('Last day').fill('2027-06-30');
    await dialog.getByRole('button', { name: 'Save the changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rows().filter({ hasText: '$35.00 an hour' }).waitFor();

    const [changed] = await piasOrders();
    expect(changed).toMatchObject({ payRateCents: 3500, validTo: '2027-06-30', description: 'Changed elsewhere' });
  }, 90_000);

  it('deactivates and reactivates the work order, the active filter kept in the address', async () => {
    await rows().first().getByRole('button', { name: /^Deactivate the Tutoring work order/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate the work order?' });
    await confirm.getByText('Sessions started before now stay covered').waitFor();
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await confirm.waitFor({ state: 'detached' });
    await rows().first().getByText('Deactivated').waitFor();
    expect((await piasOrders())[0].active).toBe(false);
    await expectAccessible(page, 'work-orders-deactivated');
    await screenshots(page, 'work-orders-deactivated');

    await page.getByRole('combobox', { name: 'Active' }).click();
    await page.getByRole('option', { name: 'Active only' }).click();
    await page.getByText('No work order matches these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('active')).toBe('yes');
    await page.reload();
    await page.getByText('No work order matches these filters.').waitFor();

    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await rows().first().getByRole('button', { name: /^Reactivate the Tutoring work order/ }).click();
    await rows().first().getByRole('button', { name: /^Deactivate the Tutoring work order/ }).waitFor();
    expect((await piasOrders())[0].active).toBe(true);
  }, 90_000);

  it('shows a district admin every school’s work orders, and a provider neither the screen nor the link', async () => {
    const admin = await browser.newPage();
    await signInToToday(admin, platform.baseUrl, district.admin.email, TEST_PASSWORD);
    await admin.goto(`${platform.baseUrl}/admin/work-orders`);
    await waitFor(async () => (await admin.getByTestId('work-order-row').count()) === 2, 20_000);
    await admin.close();

    const provider = await browser.newPage();
    await signInToToday(provider, platform.baseUrl, pia.email, TEST_PASSWORD);
    expect(await provider.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Work orders' }).count()).toBe(0);
    await provider.goto(`${platform.baseUrl}/admin/work-orders`);
    await provider.getByRole('alert').filter({ hasText: 'This screen is for district and school admins' }).waitFor();
    await expectAccessible(provider, 'work-orders-refused');
    await provider.close();
  }, 90_000);
});
