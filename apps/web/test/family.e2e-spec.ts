import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder, guardianOf, linkStudentAccount } from '../../gateway/test/support/session-fixtures';
import { minutesAgo, startSession } from '../../gateway/test/support/session-harness';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInOnScreen, startBrowserPlatform, TestBrowser } from './support/browser';

const STUDENT_NOTE = 'You read the whole passage with fewer stops. Your phrasing sounded natural. Next, try the longer story alone.';
const CLIENT_NOTE = 'Kit worked hard today; ten minutes of reading aloud at home would help.';
const ADMIN_NOTE = 'Internal: check the reading plan with the school office.';
const OTHER_STUDENT_NOTE = 'Notes for Other only: great effort with fractions.';
const OTHER_CLIENT_NOTE = 'For Other’s family only.';
const REMEDIAL = { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' };

/**
 * Guardians and students in Chromium against the whole platform: a group
 * session of Kit and another child, notes to each audience, posted. Kit's
 * guardian starts on their sessions and reads Kit's notes (student and
 * family), never the other child's nor the admins'; switches to Spanish,
 * which holds across a reload and, kept on the account, on a browser that
 * never chose. Kit reads only their own note, in English. Axe and three
 * widths on every screen, in both languages.
 */
describe('Web app: guardians and students, in English and Spanish', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let guardian: TestUser;
  let kitAccount: TestUser;
  let guardianApi: Session;
  let page: Page;

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0].id;
    const admin = await signIn(platform.gateway, district.admin.email);
    const tutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Tara' });
    const tutorApi = await signIn(platform.gateway, tutor.email);
    const kit = await addStudent(platform.gateway, admin, school, { firstName: 'Kit' });
    const other = await addStudent(platform.gateway, admin, school, { firstName: 'Other' });
    guardian = await guardianOf(platform.gateway, district, [kit.id]);
    kitAccount = await linkStudentAccount(platform.gateway, district, kit.id);
    guardianApi = await signIn(platform.gateway, guardian.email);
    const group = await addGroup(platform.gateway, admin, school, tutor.id, [kit.id, other.id]);
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: school });

    const session = (await startSession(platform.gateway, tutorApi, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: minutesAgo(55), description: 'Reading fluency: paired reading of a levelled passage' })) as {
      id: string;
      participants: { id: string; personId: string; version: number }[];
    };
    for (const participant of session.participants) {
      const isKit = participant.personId === kit.id;
      await as(platform.gateway, tutorApi)
        .patch(`/api/sessions/${session.id}/participants/${participant.id}`)
        .send({
          version: participant.version,
          present: true,
          qualifiers: REMEDIAL,
          studentNote: isKit ? STUDENT_NOTE : OTHER_STUDENT_NOTE,
          clientNote: isKit ? CLIENT_NOTE : OTHER_CLIENT_NOTE,
          adminNote: ADMIN_NOTE,
        })
        .expect(200);
    }
    const current = (await as(platform.gateway, tutorApi).get(`/api/sessions/${session.id}`).expect(200)).body;
    await as(platform.gateway, tutorApi).post(`/api/sessions/${session.id}/end`).send({ version: current.version, endedAt: minutesAgo(10) }).expect(200);
    await as(platform.gateway, tutorApi).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);

    // The group's weekly series from the day after tomorrow: what the family sees coming up.
    const firstDay = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await as(platform.gateway, tutorApi)
      .post('/api/series')
      .send({ service: 'tutoring', type: 'group', groupId: group.id, start: `${firstDay}T16:00`, durationMinutes: 45, rrule: 'FREQ=WEEKLY;COUNT=4', placeOfService: 'Room 12' })
      .expect(201);

    page = await browser.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function expectNothingOfOthers(on: Page): Promise<void> {
    const text = (await on.locator('main').textContent()) ?? '';
    for (const hidden of [ADMIN_NOTE, OTHER_STUDENT_NOTE, OTHER_CLIENT_NOTE, 'Other ']) expect(text).not.toContain(hidden);
  }

  it('starts a guardian on their child’s posted session with the notes written to the child and to the family', async () => {
    await page.goto(`${platform.baseUrl}/`);
    await signInOnScreen(page, guardian.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/family');
    await page.getByRole('heading', { name: 'Coming up', level: 2 }).waitFor();
    const planned = page.getByTestId('family-upcoming');
    await planned.first().waitFor();
    expect(await planned.count()).toBeGreaterThanOrEqual(1);
    expect(await planned.first().textContent()).toContain('Tutoring · With Tara');
    expect(await planned.first().textContent()).toContain('For Kit');
    const card = page.getByTestId('family-session');
    await card.waitFor();
    expect(await card.count()).toBe(1);
    await card.getByRole('heading', { name: 'Kit', exact: false }).waitFor();
    await card.getByText('With Tara', { exact: false }).waitFor();
    await card.getByText('Subject: Reading').waitFor();
    await card.getByText(STUDENT_NOTE).waitFor();
    await card.getByText(CLIENT_NOTE).waitFor();
    await expectNothingOfOthers(page);
    // Staff screens are not offered to families.
    const navigation = page.getByRole('navigation', { name: 'Main' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual(['Sessions']);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectAccessible(page, 'guardian sessions (English)');
    await screenshots(page, 'family-guardian-en');
  });

  it('switches to Spanish, keeps it across a reload and on the account, and a new browser adopts it', async () => {
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Sesiones', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Próximas sesiones', level: 2 }).waitFor();
    expect(await page.getByTestId('family-upcoming').first().textContent()).toContain('Tutoría · Con Tara');
    const card = page.getByTestId('family-session');
    await card.getByText('Nota para la familia').waitFor();
    await card.getByText('Nota para el estudiante').waitFor();
    await card.getByText('Con Tara', { exact: false }).waitFor();
    await card.getByText('Materia: Reading').waitFor();
    // The notes are the provider's words, shown as written.
    await card.getByText(CLIENT_NOTE).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    await expectAccessible(page, 'guardian sessions (Spanish)');
    await screenshots(page, 'family-guardian-es');
    // Kept on the account for the next device and for e-mail.
    await waitFor(async () => (await as(platform.gateway, guardianApi).get('/api/me/preferences').expect(200)).body.language === 'es', 10_000);

    await page.reload();
    await page.getByRole('heading', { name: 'Sesiones', level: 1 }).waitFor();

    const elsewhere = await launchBrowser();
    try {
      const fresh = await elsewhere.newPage();
      await fresh.goto(`${platform.baseUrl}/`);
      await signInOnScreen(fresh, guardian.email, TEST_PASSWORD);
      await fresh.getByRole('heading', { name: 'Sesiones', level: 1 }).waitFor();
      expect(await fresh.getAttribute('html', 'lang')).toBe('es');
    } finally {
      await elsewhere.close();
    }
  });

  it('shows a student only their own note, not the family’s, in their own language', async () => {
    const elsewhere = await launchBrowser();
    try {
      const studentPage = await elsewhere.newPage();
      await studentPage.goto(`${platform.baseUrl}/`);
      await signInOnScreen(studentPage, kitAccount.email, TEST_PASSWORD);
      await studentPage.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
      const card = studentPage.getByTestId('family-session');
      await card.getByText(STUDENT_NOTE).waitFor();
      const text = (await studentPage.locator('main').textContent()) ?? '';
      expect(text).not.toContain(CLIENT_NOTE);
      expect(text).not.toContain('Note to the family');
      await expectNothingOfOthers(studentPage);
      await expectAccessible(studentPage, 'student sessions');
      await screenshots(studentPage, 'family-student-en');
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses a language the platform does not speak, naming the field', async () => {
    const refused = await as(platform.gateway, guardianApi).put('/api/me/preferences').send({ language: 'fr' }).expect(400);
    expect(JSON.stringify(refused.body)).toContain('language');
    expect((await as(platform.gateway, guardianApi).get('/api/me/preferences').expect(200)).body.language).toBe('es');
  });
});
