import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

interface Person {
  id: string;
  firstName: string;
  lastName: string;
}

/** A modal is photographed and checked after its opening transition (mid-fade its colours are neither the page's nor its own). */
const MODAL_SETTLED = `[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => getComputedStyle(el).opacity === '1')`;
const PATS = 22;
/** A whole-page picture of a scrolled page draws the fixed header across the middle; pictures start from the top. */
const TO_TOP = 'window.scrollTo(0, 0)';

/**
 * The administrators' directory in Chromium against the whole platform. A
 * district admin searches 22 providers named Pat (20 a page; the search and
 * page live in the address, so Back returns to them), approves one at a
 * second school, links a guardian to another student, swaps a group's
 * members, saves a student over someone else's change (refused as stale,
 * reloaded, what was typed kept), deactivates and reactivates her, and
 * creates a student after the API's refusal shown beside the field — each
 * read back through the API. A school admin lists only their school's
 * students and is refused another school's in the API's words; a provider
 * is offered no directory and is refused it at its address. Axe and three
 * widths on every screen.
 */
describe('Web app: the administrators’ directory', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let adminApi: Session;
  let schoolAdmin: TestUser;
  let pats: TestUser[];
  let ada: Person;
  let ben: Person;
  let cy: Person;
  let guardian: Person;
  let group: { id: string; name: string };
  let staffGroup: { id: string; name: string; version: number };
  let page: Page;

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(2);
    const [lincoln, roosevelt] = district.schools;
    adminApi = await signIn(platform.gateway, district.admin.email);
    pats = [];
    for (let i = 0; i < PATS; i += 1) pats.push(await district.user(['provider'], { schoolIds: [lincoln.id], providerKind: 'tutor', name: 'Pat' }));
    schoolAdmin = await district.user(['school_admin'], { schoolIds: [lincoln.id], name: 'Sam' });
    ada = await addStudent(platform.gateway, adminApi, lincoln.id, { firstName: 'Ada', lastName: 'Archer' });
    ben = await addStudent(platform.gateway, adminApi, lincoln.id, { firstName: 'Ben', lastName: 'Baker' });
    cy = await addStudent(platform.gateway, adminApi, roosevelt.id, { firstName: 'Cy', lastName: 'Carter' });
    guardian = (await as(platform.gateway, adminApi).post('/api/guardians').send({ firstName: 'Gwen', lastName: 'Guard', studentIds: [ada.id], relationship: 'aunt' }).expect(201)).body;
    staffGroup = (await as(platform.gateway, adminApi).post('/api/staff-groups').send({ name: 'Reading coaches', schoolId: lincoln.id }).expect(201)).body;
    group = (await addGroup(platform.gateway, adminApi, lincoln.id, pats[0].id, [ada.id])) as { id: string; name: string };

    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, district.admin.email, TEST_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const rows = () => page.getByTestId('directory-row');

  it('searches the staff, pages through them with the address keeping both, and Back returns to the page', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory' }).click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    // The directory opens on its staff list, marked as the current tab.
    const staffTab = page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Staff', exact: true });
    await waitFor(async () => (await staffTab.getAttribute('aria-current')) === 'page', 10_000);
    expect(new URL(page.url()).pathname).toBe('/admin/directory/staff');

    await page.getByRole('searchbox', { name: 'Name' }).fill('Pat');
    await page.getByText(`Page 1 of 2 · ${PATS} staff members`).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('q')).toBe('Pat');
    expect(await rows().count()).toBe(20);
    expect(await rows().filter({ hasText: 'Ada Admin' }).count()).toBe(0);
    await page.mouse.move(700, 20);
    await expectAccessible(page, 'directory-staff');
    await screenshots(page, 'directory-staff');

    await page.getByRole('navigation', { name: 'Pages of staff members' }).getByRole('button', { name: 'Next' }).click();
    await page.getByText(`Page 2 of 2 · ${PATS} staff members`).waitFor();
    await waitFor(async () => (await rows().count()) === PATS - 20, 10_000);
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');

    await page.reload();
    await page.getByText(`Page 2 of 2 · ${PATS} staff members`).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('searchbox', { name: 'Name' }).inputValue()).toBe('Pat');
  }, 90_000);

  it('approves a provider at a second school, and the API keeps both approvals', async () => {
    const [lincoln, roosevelt] = district.schools;
    await rows().first().getByRole('link').click();
    await page.getByRole('heading', { name: 'Schools approved at' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    expect(pats.map((pat) => pat.id)).toContain(id);
    expect(await page.getByRole('checkbox', { name: lincoln.name }).isChecked()).toBe(true);

    await page.getByRole('checkbox', { name: roosevelt.name }).check();
    await page.getByText('Not saved yet: 1 added').waitFor();
    await page.getByRole('button', { name: 'Save the approvals' }).click();
    await page.getByTestId('saved').waitFor();
    const staff = (await as(platform.gateway, adminApi).get(`/api/staff/${id}`).expect(200)).body as { schoolIds: string[] };
    expect(staff.schoolIds.sort()).toEqual([lincoln.id, roosevelt.id].sort());
    await expectAccessible(page, 'directory-staff-member');
    await screenshots(page, 'directory-staff-member');

    await page.goBack();
    await page.getByText(`Page 2 of 2 · ${PATS} staff members`).waitFor({ timeout: 15_000 });
  }, 60_000);

  it('links a guardian to a second student, read back through the API and on the student’s page', async () => {
    await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Guardians' }).click();
    await page.getByRole('searchbox', { name: 'Name' }).fill('Gwe');
    await waitFor(async () => (await rows().count()) === 1 && new URL(page.url()).searchParams.get('q') === 'Gwe', 15_000);
    await rows().getByRole('link', { name: 'Gwen Guard' }).click();
    const children = page.getByRole('region', { name: 'Children' });
    await children.getByRole('button', { name: 'Remove Ada Archer' }).waitFor();

    await children.getByRole('searchbox', { name: 'Link a student' }).fill('Ben');
    await children.getByRole('button', { name: 'Add Ben Baker' }).click();
    await children.getByText('Not saved yet: 1 added').waitFor();
    await children.getByRole('button', { name: 'Save the children' }).click();
    await children.getByTestId('saved').waitFor();
    const saved = (await as(platform.gateway, adminApi).get(`/api/guardians/${guardian.id}`).expect(200)).body as { students: { studentId: string }[] };
    expect(saved.students.map((link) => link.studentId).sort()).toEqual([ada.id, ben.id].sort());
    await page.evaluate(TO_TOP);
    await expectAccessible(page, 'directory-guardian');
    await screenshots(page, 'directory-guardian');

    await page.goto(`${platform.baseUrl}/admin/directory/students/${ben.id}`);
    await page.getByTestId('student-guardians').getByRole('link', { name: 'Gwen Guard' }).waitFor({ timeout: 15_000 });
  }, 60_000);

  it('replaces a group’s members, read back through the API', async () => {
    await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Groups', exact: true }).click();
    await rows().getByRole('link', { name: group.name }).click();
    const members = page.getByRole('region', { name: /^Members/ });
    await members.getByRole('button', { name: 'Remove Ada Archer' }).click();
    await members.getByRole('searchbox', { name: 'Add a student of this school' }).fill('Ba');
    await members.getByRole('button', { name: 'Add Ben Baker' }).click();
    await members.getByText('Not saved yet: 1 added, 1 removed').waitFor();
    await members.getByRole('button', { name: 'Save the members' }).click();
    await members.getByTestId('saved').waitFor();
    const saved = (await as(platform.gateway, adminApi).get(`/api/groups/${group.id}`).expect(200)).body as { members: { studentId: string }[] };
    expect(saved.members.map((member) => member.studentId)).toEqual([ben.id]);
    await page.evaluate(TO_TOP);
    await expectAccessible(page, 'directory-group');
    await screenshots(page, 'directory-group');
  }, 60_000);

  it('adds a staff member to a staff group over someone else’s save, keeping the draft through the reload', async () => {
    await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Staff groups' }).click();
    await rows().getByRole('link', { name: 'Reading coaches' }).click();
    const members = page.getByRole('region', { name: /^Members/ });
    await members.getByText('Nobody is in the group.').waitFor();
    await members.getByRole('searchbox', { name: 'Add a staff member' }).fill('Pat User2');
    await members.getByRole('button', { name: 'Add Pat User2', exact: true }).click();

    // Someone else adds another Pat meanwhile: the version this screen read is now stale.
    await as(platform.gateway, adminApi).put(`/api/staff-groups/${staffGroup.id}/members`).send({ version: staffGroup.version, userIds: [pats[3].id] }).expect(200);
    await members.getByRole('button', { name: 'Save the members' }).click();
    const stale = page.getByTestId('stale-alert');
    await stale.getByText('Changed by someone else; reload').waitFor();
    await stale.getByRole('button', { name: 'Reload the record' }).click();
    await stale.waitFor({ state: 'detached' });
    await members.getByRole('heading', { name: 'Members (1 member)' }).waitFor();
    await members.getByRole('button', { name: 'Remove Pat User2', exact: true }).waitFor();
    await members.getByRole('button', { name: 'Save the members' }).click();
    await members.getByTestId('saved').waitFor();
    const saved = (await as(platform.gateway, adminApi).get(`/api/staff-groups/${staffGroup.id}`).expect(200)).body as { userIds: string[] };
    expect(saved.userIds).toEqual([pats[1].id]);
    await page.evaluate(TO_TOP);
    await expectAccessible(page, 'directory-staff-group');
    await screenshots(page, 'directory-staff-group');
  }, 60_000);

  it('keeps what was typed over a stale save, saves it on the reloaded version, then deactivates and reactivates the student', async () => {
    await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Students' }).click();
    await page.getByRole('searchbox', { name: 'Name' }).fill('Ada');
    await waitFor(async () => (await rows().count()) === 1, 15_000);
    await rows().getByRole('link', { name: 'Ada Archer' }).click();
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByLabel('Last name').fill('Archer-Lee');

    // Someone else renames her while the form is open.
    const read = (await as(platform.gateway, adminApi).get(`/api/students/${ada.id}`).expect(200)).body as { version: number };
    await as(platform.gateway, adminApi).patch(`/api/students/${ada.id}`).send({ version: read.version, firstName: 'Adah' }).expect(200);
    await details.getByRole('button', { name: 'Save the details' }).click();
    const stale = page.getByTestId('stale-alert');
    await stale.getByText('Changed by someone else; reload').waitFor();
    expect(await details.getByLabel('Last name').inputValue()).toBe('Archer-Lee');
    await page.evaluate(TO_TOP);
    await expectAccessible(page, 'directory-student-stale');
    await screenshots(page, 'directory-student-stale');

    await stale.getByRole('button', { name: 'Reload the record' }).click();
    await stale.waitFor({ state: 'detached' });
    // Their change shows where nothing was typed; what was typed stays.
    await waitFor(async () => (await details.getByLabel('First name').inputValue()) === 'Adah', 10_000);
    expect(await details.getByLabel('Last name').inputValue()).toBe('Archer-Lee');
    await details.getByRole('button', { name: 'Save the details' }).click();
    await details.getByTestId('saved').waitFor();
    let student = (await as(platform.gateway, adminApi).get(`/api/students/${ada.id}`).expect(200)).body as { firstName: string; lastName: string; active: boolean };
    expect([student.firstName, student.lastName]).toEqual(['Adah', 'Archer-Lee']);

    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate Adah Archer-Lee?' });
    await waitFor(async () => (await page.evaluate(MODAL_SETTLED)) === true, 5_000);
    await expectAccessible(page, 'directory-deactivate');
    await screenshots(page, 'directory-deactivate', { fullPage: false });
    await confirm.getByRole('button', { name: 'Deactivate Adah Archer-Lee' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('active-badge').filter({ hasText: 'Inactive' }).waitFor();
    student = (await as(platform.gateway, adminApi).get(`/api/students/${ada.id}`).expect(200)).body;
    expect(student.active).toBe(false);

    await page.getByRole('button', { name: 'Reactivate', exact: true }).click();
    await page.getByRole('dialog', { name: 'Reactivate Adah Archer-Lee?' }).getByRole('button', { name: 'Reactivate Adah Archer-Lee' }).click();
    await page.getByTestId('active-badge').filter({ hasText: 'Active' }).waitFor();
    student = (await as(platform.gateway, adminApi).get(`/api/students/${ada.id}`).expect(200)).body;
    expect(student.active).toBe(true);
  }, 90_000);

  it('creates a student, first showing the API’s refusal beside the field it names', async () => {
    const [lincoln] = district.schools;
    await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Students' }).click();
    await page.getByRole('link', { name: 'New student' }).click();
    await page.getByRole('heading', { name: 'New student' }).waitFor();
    await page.getByLabel('First name').fill('Dora');
    await page.getByLabel('Last name').fill('Diaz');
    await page.getByLabel('Student number').fill('no spaces allowed');
    await page.getByRole('combobox', { name: 'Grade' }).click();
    await page.getByRole('option', { name: '4', exact: true }).click();
    await page.getByRole('combobox', { name: 'School' }).click();
    await page.getByRole('option', { name: lincoln.name }).click();
    await page.getByRole('button', { name: 'Create the student' }).click();

    const studentNumber = page.getByLabel('Student number');
    await waitFor(async () => (await studentNumber.getAttribute('aria-invalid')) === 'true', 15_000);
    const describedBy = (await studentNumber.getAttribute('aria-describedby')) ?? '';
    const beside = await page.locator(describedBy
          .split(' ')
          .filter(Boolean)
          .map((id) => `#${id}`).join(', ')).allTextContents();
    expect(beside.join(' ')).toMatch(/localId/);
    expect(await page.getByRole('alert').filter({ hasText: 'The student was not created' }).textContent()).not.toMatch(/localId/);
    await expectAccessible(page, 'directory-new-student');
    await screenshots(page, 'directory-new-student');

    await studentNumber.fill('D-1001');
    await page.getByRole('button', { name: 'Create the student' }).click();
    await page.getByRole('heading', { name: 'Dora Diaz', level: 2 }).waitFor({ timeout: 15_000 });
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    const created = (await as(platform.gateway, adminApi).get(`/api/students/${id}`).expect(200)).body as { localId: string; grade: string; schoolId: string };
    expect(created).toMatchObject({ localId: 'D-1001', grade: '4', schoolId: lincoln.id });
  }, 60_000);

  it('creates a coach approved at one school, refused first for a school it leaves out, then invites them', async () => {
    const [lincoln] = district.schools;
    await page.goto(`${platform.baseUrl}/admin/directory/staff`);
    await page.getByRole('link', { name: 'New staff member' }).click();
    await page.getByRole('heading', { name: 'New staff member' }).waitFor();
    const email = `casey.coach@${district.domain}`;
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('First name').fill('Casey');
    await page.getByLabel('Last name').fill('Coachman');
    await page.getByRole('combobox', { name: 'Kind of provider' }).click();
    await page.getByRole('option', { name: 'Coach', exact: true }).click();
    // A provider approved nowhere is refused, in the API's words beside the schools.
    await page.getByRole('button', { name: 'Create the staff member' }).click();
    const schoolsError = page.locator('.mantine-InputWrapper-error').first();
    await schoolsError.waitFor({ timeout: 15_000 });
    expect(await schoolsError.textContent()).toMatch(/school/i);
    expect((await as(platform.gateway, adminApi).get('/api/staff').query({ q: 'coachman' }).expect(200)).body.total).toBe(0);
    await expectAccessible(page, 'directory-new-staff');
    await screenshots(page, 'directory-new-staff');

    await page.getByRole('checkbox', { name: lincoln.name }).check();
    await page.getByRole('button', { name: 'Create the staff member' }).click();
    await page.getByRole('heading', { name: 'Casey Coachman', level: 2 }).waitFor({ timeout: 15_000 });
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    const created = (await as(platform.gateway, adminApi).get(`/api/staff/${id}`).expect(200)).body as Record<string, unknown>;
    expect(created).toMatchObject({ email, roles: ['provider'], providerKind: 'coach', schoolIds: [lincoln.id], hasPassword: false, active: true });

    await page.getByRole('button', { name: 'Send an invitation' }).click();
    await page.getByTestId('invitation-sent').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('invitation-sent').textContent()).toContain(email);
  }, 60_000);

  it('shows a school admin only their school’s students and refuses another school’s in the API’s words', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, schoolAdmin.email, TEST_PASSWORD);
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory' }).click();
    await tab.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Students' }).click();
    const listed = tab.getByTestId('directory-row');
    const schoolAdminApi = await signIn(platform.gateway, schoolAdmin.email);
    const theirs = (await as(platform.gateway, schoolAdminApi).get('/api/students').expect(200)).body as { total: number };
    await waitFor(async () => (await listed.count()) === theirs.total, 15_000);
    expect(theirs.total).toBe(3);
    const names = (await listed.allTextContents()).join(' ');
    expect(names).toContain('Ben Baker');
    expect(names).toContain('Dora Diaz');
    expect(names).not.toContain('Cy Carter');
    await tab.mouse.move(700, 20);
    await expectAccessible(tab, 'directory-school-admin');
    await screenshots(tab, 'directory-school-admin');

    const refused = await as(platform.gateway, schoolAdminApi).get(`/api/students/${cy.id}`);
    expect(refused.status).toBe(404);
    await tab.goto(`${platform.baseUrl}/admin/directory/students/${cy.id}`);
    const alert = tab.getByRole('alert').filter({ hasText: 'The student could not be loaded' });
    await alert.filter({ hasText: refused.body.message as string }).waitFor({ timeout: 15_000 });
    expect(await tab.getByText('Cy Carter').count()).toBe(0);
    await expectAccessible(tab, 'directory-refused-record');
    await screenshots(tab, 'directory-refused-record');
    await tab.close();
  }, 90_000);

  it('offers a provider no directory and refuses it at its address', async () => {
    const tab = await browser.newPage();
    await signInToToday(tab, platform.baseUrl, pats[1].email, TEST_PASSWORD);
    const navigation = tab.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Directory' }).count()).toBe(0);

    for (const path of ['/admin/directory/staff', `/admin/directory/groups/${group.id}`]) {
      await tab.goto(`${platform.baseUrl}${path}`);
      await tab.getByRole('alert').filter({ hasText: 'This screen is for district and school admins' }).waitFor({ timeout: 15_000 });
      expect(await tab.getByRole('table').count()).toBe(0);
      expect(await tab.getByText(group.name).count()).toBe(0);
    }
    // The API refuses the provider too: the screen's refusal is not the only guard.
    const providerApi = await signIn(platform.gateway, pats[1].email);
    expect((await as(platform.gateway, providerApi).get('/api/staff').expect(403)).body.code).toBeDefined();
    await expectAccessible(tab, 'directory-refused');
    await screenshots(tab, 'directory-refused');
    await tab.close();
  }, 60_000);
});
