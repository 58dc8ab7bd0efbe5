import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInOnScreen, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

const ZONE = 'America/Chicago';
const NOTE = 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.';
const DETENTION = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };

interface PayLine {
  periodId: string;
  kind: string;
  providerName: string;
  amountCents: number;
}
interface SessionPay {
  decisions: { sessionVersion: number; payable: boolean; reason: string }[];
  payLines: PayLine[];
}
interface PayPeriod {
  id: string;
  startsOn: string;
  endsOn: string;
  status: string;
  closedBy: string | null;
}

/** The district's calendar day `days` from now, `YYYY-MM-DD`. */
function districtDay(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/** The instant of a wall-clock time on a district day (the offset looked up at that day's noon: no DST change happens mid-afternoon). */
function districtInstant(day: string, time: string): Date {
  const noon = new Date(`${day}T12:00:00Z`);
  const wall = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(noon);
  const [h, m] = wall.split(':').map(Number);
  const offsetMinutes = h * 60 + m - 12 * 60;
  return new Date(new Date(`${day}T${time}:00Z`).getTime() - offsetMinutes * 60_000);
}

/** A modal is photographed and checked after its opening transition (mid-fade its colours are neither the page's nor its own). */
const MODAL_SETTLED = `[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => getComputedStyle(el).opacity === '1')`;

/**
 * Payroll in the web app, in Chromium against the whole platform: two
 * sessions posted ten days ago through the API (one then amended to unpaid),
 * the period holding them read by payroll with each provider's lines, amount
 * and the unpaid reason, the payroll CSV and billing CSV downloaded (the
 * billing one first refused in words), the period closed behind a
 * confirmation; a provider is offered no Payroll and is refused it in words.
 */
describe('Web app: payroll', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let provider: TestUser;
  let payrollUser: TestUser;
  let payroll: Session;
  let admin: Session;
  let page: Page;
  let period: PayPeriod;
  let providerName: string;
  let unpaidReason: string;

  /** A complete 45-minute group session started at `time` on `day`, posted by the tutor; its id and participants. */
  async function postSession(tutor: Session, groupId: string, workOrderId: string, day: string, time: string) {
    const startedAt = districtInstant(day, time);
    const started = await as(platform.gateway, tutor).post('/api/sessions').send({ service: 'tutoring', groupId, workOrderId, startedAt: startedAt.toISOString() });
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    for (const p of started.body.participants as { id: string }[]) {
      await as(platform.gateway, tutor).patch(`/api/sessions/${started.body.id}/participants/${p.id}`).send({ version: 1, present: true, qualifiers: DETENTION, studentNote: NOTE }).expect(200);
    }
    await as(platform.gateway, tutor)
      .post(`/api/sessions/${started.body.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    await as(platform.gateway, tutor).post(`/api/sessions/${started.body.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    return started.body as { id: string; participants: { id: string }[] };
  }

  async function payOf(sessionId: string, lines: number): Promise<SessionPay> {
    let pay: SessionPay | undefined;
    await waitFor(async () => {
      const response = await as(platform.gateway, payroll).get(`/api/sessions/${sessionId}/pay`);
      pay = response.status === 200 ? response.body : undefined;
      return pay?.payLines.length === lines;
    }, 30_000);
    return pay as SessionPay;
  }

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0].id;
    admin = await signIn(platform.gateway, district.admin.email);
    provider = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Pia' });
    payrollUser = await district.user(['payroll'], { name: 'Pat' });
    payroll = await signIn(platform.gateway, payrollUser.email);
    const students = await Promise.all(['Ada', 'Ben', 'Cal', 'Dee'].map((firstName) => addStudent(platform.gateway, admin, school, { firstName })));
    const group = await addGroup(platform.gateway, admin, school, provider.id, students.map((s) => s.id));
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: provider.id, schoolId: school });
    const tutor = await signIn(platform.gateway, provider.email);

    // Ten days back: inside the 14-day late-entry window for posting, in a week that is over.
    const day = districtDay(-10);
    const paid = await postSession(tutor, group.id, workOrder.id, day, '13:00');
    const amended = await postSession(tutor, group.id, workOrder.id, day, '15:00');
    // One student had in fact cancelled: three qualifying students are fewer than Tutoring's four, so the amendment reverses the pay.
    await as(platform.gateway, tutor)
      .post(`/api/sessions/${amended.id}/amendments`)
      .send({ password: TEST_PASSWORD, basedOnVersion: 1, reason: 'Ada had cancelled', changes: { participants: [{ participantId: amended.participants[0].id, attendanceStatus: 'cancelled_nonbillable' }] } })
      .expect(200);
    const [paidPay, amendedPay] = [await payOf(paid.id, 1), await payOf(amended.id, 2)];
    expect(paidPay.payLines.map((l) => [l.kind, l.amountCents])).toEqual([['payment', 2250]]);
    expect(amendedPay.payLines.map((l) => [l.kind, l.amountCents])).toEqual([
      ['payment', 2250],
      ['reversal', -2250],
    ]);
    const newest = amendedPay.decisions.find((d) => d.sessionVersion === 2);
    expect(newest?.payable).toBe(false);
    unpaidReason = newest?.reason ?? '';
    providerName = paidPay.payLines[0].providerName;
    period = (await as(platform.gateway, payroll).get(`/api/pay-periods/${paidPay.payLines[0].periodId}`).expect(200)).body;
    expect(amendedPay.payLines[1].periodId).toBe(period.id);

    // Late entries end with the period's last day from now on, so the period (over since days) may be closed today.
    const current = await as(platform.gateway, admin).get('/api/district').expect(200);
    const patched = await as(platform.gateway, admin).patch('/api/district').send({ version: current.body.version, settings: { lateEntryDays: 0 } }).expect(200);
    const payrollService = platform.backends.get('payroll');
    if (!payrollService) throw new Error('payroll is not running');
    await waitFor(async () => {
      const replica = await payrollService.get(TenantTransactions).run(district.id, (em) => em.findOne(DistrictReplica, { districtId: district.id }));
      return (replica?.version ?? 0) >= patched.body.version;
    }, 15_000);

    page = await browser.newPage();
    // Payroll alone starts on the pay periods (the session screens are not theirs).
    await page.goto(`${platform.baseUrl}/`);
    await signInOnScreen(page, payrollUser.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: 'Payroll', level: 1 }).waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists the pay periods and opens the one holding the posted sessions: lines per provider, amounts, the unpaid reason', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payroll' }).click();
    await page.getByRole('heading', { name: 'Payroll', level: 1 }).waitFor();
    const row = page.getByTestId('pay-period-row').filter({ hasText: '$22.50' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Open');
    // Off the navigation link: its hover colours are the shell's, not this screen's.
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'payroll-periods');
    await screenshots(page, 'payroll-periods');

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /^Pay period /, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/payroll/periods/${period.id}`);
    const lines = page.getByRole('region', { name: providerName });
    await lines.getByTestId('provider-amount').filter({ hasText: '$22.50 · 45 min' }).waitFor();
    const sessions = lines.getByTestId('session-pay-row');
    expect(await sessions.count()).toBe(2);
    // The unpaid session: its lines net to nothing, and payroll's reason is shown in payroll's words.
    await lines.getByTestId('unpaid-reason').filter({ hasText: unpaidReason }).waitFor({ timeout: 15_000 });
    expect(unpaidReason).toContain('the session has 3');
    expect(await lines.getByRole('link', { name: /, \d{4}$/ }).count()).toBe(2);
    expect(await page.getByTestId('period-totals').textContent()).toContain('$22.50');
    await page.getByRole('button', { name: 'Close period' }).waitFor();
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'payroll-period');
    await screenshots(page, 'payroll-period');
  }, 90_000);

  it('downloads the payroll CSV, and the billing CSV once the district has a billing NPI (refused in words before)', async () => {
    const [payrollFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download payroll CSV' }).click()]);
    expect(payrollFile.suggestedFilename()).toBe(`pay-period-${period.startsOn}-to-${period.endsOn}-provisional.csv`);
    const csv = await readFile(await payrollFile.path(), 'utf8');
    // 45 + 45 − 45 minutes at $30.00/h, three lines (two payments, one reversal), provisional while the period is open.
    expect(csv.split('\r\n')).toEqual([
      'provider_id,employee_number,provider_name,period_start,period_end,work_order_type,rate,hours,amount,lines,status',
      `${provider.id},,${providerName},${period.startsOn},${period.endsOn},tutoring,30.00,0.75,22.50,3,provisional`,
      '',
    ]);

    await page.getByRole('button', { name: 'Download billing CSV' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The billing CSV could not be made' });
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-error-code')).toBe('BILLING.PROVIDER_ID_MISSING');
    await expectAccessible(page, 'payroll-billing-refused');
    await screenshots(page, 'payroll-billing-refused');

    const schedule = (await as(platform.gateway, payroll).get('/api/pay-schedule').expect(200)).body;
    await as(platform.gateway, payroll)
      .put('/api/pay-schedule')
      .send({ version: schedule.version, frequency: schedule.frequency, anchorDate: schedule.anchorDate, billingProviderNpi: '1234567893' })
      .expect(200);
    const [billingFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download billing CSV' }).click()]);
    expect(billingFile.suggestedFilename()).toBe(`billing-period-${period.startsOn}-to-${period.endsOn}-provisional.csv`);
    const billing = (await readFile(await billingFile.path(), 'utf8')).split('\r\n');
    expect(billing[0]).toBe(
      'date_of_service,student_id,student_name,student_state_id,place_of_service,service_code,minutes,unit_basis,units,provider_id,provider_name,rendering_provider_npi,billing_provider_npi',
    );
    // Ada, who cancelled the second session, is billed once; the file names the district's NPI on every row.
    expect(billing.filter((row) => row.includes('Ada'))).toHaveLength(1);
    expect(billing.slice(1).filter(Boolean).every((row) => row.endsWith(',1234567893,1234567893'))).toBe(true);
    await refusal.waitFor({ state: 'detached' });
  }, 60_000);

  it('closes the period after a confirmation stating the consequence, and the API has it closed', async () => {
    await page.getByRole('button', { name: 'Close period' }).click();
    const dialog = page.getByRole('dialog', { name: /^Close the pay period / });
    await dialog.getByText('Closing is final: it cannot be reopened.').waitFor();
    await waitFor(async () => (await page.evaluate(MODAL_SETTLED)) === true, 5_000);
    await expectAccessible(page, 'payroll-close');
    await screenshots(page, 'payroll-close', { fullPage: false });

    // Confirmed from the keyboard.
    await dialog.getByRole('button', { name: 'Close the period' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('period-status').filter({ hasText: /^Closed / }).waitFor();
    expect(await page.getByRole('button', { name: 'Close period' }).count()).toBe(0);

    const closed = (await as(platform.gateway, payroll).get(`/api/pay-periods/${period.id}`).expect(200)).body as PayPeriod;
    expect(closed).toMatchObject({ id: period.id, status: 'closed', closedBy: payrollUser.id });
    await expectAccessible(page, 'payroll-period-closed');
    await screenshots(page, 'payroll-period-closed');

    // After closing, the file is the period's final one.
    const [finalFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download payroll CSV' }).click()]);
    expect(finalFile.suggestedFilename()).toBe(`pay-period-${period.startsOn}-to-${period.endsOn}.csv`);
    expect(await readFile(await finalFile.path(), 'utf8')).toContain(',22.50,3,final\r\n');
  }, 60_000);

  it('offers a provider no Payroll, and refuses it in words on /payroll', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, provider.email, TEST_PASSWORD);
    const navigation = tab.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Payroll' }).count()).toBe(0);

    await tab.goto(`${platform.baseUrl}/payroll`);
    const refusal = tab.getByRole('alert').filter({ hasText: 'The pay periods could not be loaded' });
    await refusal.filter({ hasText: 'Your role does not allow this' }).waitFor({ timeout: 15_000 });
    expect(await tab.getByRole('table').count()).toBe(0);
    await expectAccessible(tab, 'payroll-refused');
    await screenshots(tab, 'payroll-refused');
    await tab.close();
  }, 60_000);
});
