import type { Page } from 'playwright-core';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict } from '../../gateway/test/support/gateway-harness';
import { addGroup, addStudent } from '../../gateway/test/support/session-fixtures';
import { BrowserPlatform, expectAccessible, launchBrowser, screenshots, signInToToday, startBrowserPlatform, TestBrowser } from './support/browser';

interface ParticipantRead {
  id: string;
  name: string;
  present: boolean | null;
  timeIn: string | null;
  studentNote: string | null;
  version: number;
}

/**
 * A running session without a network: the app opens again from its own
 * shell, time-ins, a note and the end are kept on the device (through a
 * reload) and reach the API in order when the network returns; a change made
 * by someone else meanwhile is shown beside the provider's, and either may
 * be kept.
 */
describe('Web app: a running session without a network', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let district: TestDistrict;
  let tutor: Session;
  let admin: Session;
  let page: Page;
  let studentIds: string[];
  let groupId: string;
  const names: string[] = [];

  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const readSession = async (id: string) => (await as(platform.gateway, tutor).get(`/api/sessions/${id}`).expect(200)).body as { state: string; endedAt: string | null; version: number; participants: ParticipantRead[] };
  const participantNamed = (participants: ParticipantRead[], name: string) => participants.find((p) => p.name === name) as ParticipantRead;

  async function startGroupSession(): Promise<{ id: string; startedAt: string }> {
    const started = await as(platform.gateway, tutor).post('/api/sessions').send({ service: 'tutoring', startedAt: minutesAgo(30), groupId }).expect(201);
    return { id: started.body.id as string, startedAt: started.body.startedAt as string };
  }

  beforeAll(async () => {
    platform = await startBrowserPlatform();
    browser = await launchBrowser();
    district = await platform.district(1);
    const school = district.schools[0].id;
    admin = await signIn(platform.gateway, district.admin.email);
    const provider = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Oona' });
    const students = await Promise.all(['Ida', 'Jon'].map((firstName) => addStudent(platform.gateway, admin, school, { firstName })));
    studentIds = students.map((s) => s.id);
    names.push(...students.map((s) => `${s.firstName} ${s.lastName}`));
    groupId = (await addGroup(platform.gateway, admin, school, provider.id, studentIds)).id;
    tutor = await signIn(platform.gateway, provider.email);
    page = await browser.newPage();
    await signInToToday(page, platform.baseUrl, provider.email, TEST_PASSWORD);
    // The shell is kept once the service worker is active and controls the page.
    await waitFor(() => page.evaluate<boolean>('navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.active))'), 30_000);
    await page.reload();
    await waitFor(() => page.evaluate<boolean>('Boolean(navigator.serviceWorker.controller)'), 15_000);
    expect(await page.evaluate<boolean>(`caches.match('/').then((page) => Boolean(page))`)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('keeps time-ins, a note and the end through a reload offline, and sends them in order when the network returns', async () => {
    const { id: sessionId, startedAt } = await startGroupSession();
    await page.goto(`${platform.baseUrl}/sessions/${sessionId}`);
    await page.getByRole('heading', { name: /Active session/ }).waitFor();

    await page.context().setOffline(true);
    await page.getByRole('button', { name: `${names[0]} is present` }).click();
    await page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
    await page.getByTestId(`participant-${studentIds[0]}`).getByText(/^Present$/).and(page.locator('.mantine-Badge-label')).waitFor();
    const note = `${names[0].split(' ')[0]} read two chapters aloud and summarised each one. Next time: the vocabulary list.`;
    const noteField = page.getByLabel(`Student note to ${names[0]}`);
    await noteField.fill(note);
    await noteField.blur();
    // A second note typed and not yet saved (the field is still focused) survives the reload as well.
    await page.getByRole('button', { name: `${names[1]} is present` }).click();
    const draft = 'Jon worked on the timeline and';
    await page.getByLabel(`Student note to ${names[1]}`).fill(draft);
    await page.getByRole('status').filter({ hasText: '3 changes so far' }).waitFor();
    await expectAccessible(page, 'session offline');
    await screenshots(page, 'session-offline');
    // Nothing reached the API.
    expect((await readSession(sessionId)).participants.every((p) => p.present === null)).toBe(true);

    await page.reload();
    await page.getByRole('heading', { name: /Active session/ }).waitFor();
    expect(await page.getByLabel(`Student note to ${names[0]}`).inputValue()).toBe(note);
    expect(await page.getByLabel(`Student note to ${names[1]}`).inputValue()).toBe(draft);
    await page.getByTestId(`notes-${studentIds[1]}`).getByText('Not saved yet').waitFor();
    await page.getByLabel(`Student note to ${names[1]}`).focus();
    await page.getByLabel(`Student note to ${names[1]}`).blur();
    await page.getByTestId(`notes-${studentIds[1]}`).getByText('Not saved yet').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'End now' }).click();
    const tappedEndAt = Date.now();
    await page.getByText('Ended', { exact: true }).first().waitFor();
    // An end kept offline stays on the session: posting needs the API.
    expect(page.url()).toContain(`/sessions/${sessionId}`);
    expect(page.url()).not.toContain('/post');
    expect((await readSession(sessionId)).state).toBe('active');

    await page.context().setOffline(false);
    await page.getByTestId('offline-status').waitFor({ state: 'detached', timeout: 30_000 });
    const synced = await readSession(sessionId);
    expect(synced.state).toBe('ended');
    const first = participantNamed(synced.participants, names[0]);
    const second = participantNamed(synced.participants, names[1]);
    expect(first).toMatchObject({ present: true, studentNote: note });
    expect(second).toMatchObject({ present: true, studentNote: draft });
    // Timed in at the start, and the end is when the provider tapped it offline, not when the network returned.
    expect(Date.parse(first.timeIn as string)).toBe(Date.parse(startedAt));
    expect(Date.parse(synced.endedAt as string)).toBeLessThanOrEqual(tappedEndAt);
    await page.getByRole('link', { name: 'Review and post' }).waitFor();
  });

  it('shows a change made elsewhere while offline beside the provider’s, and keeps the one the provider chooses', async () => {
    const { id: sessionId } = await startGroupSession();
    await page.goto(`${platform.baseUrl}/sessions/${sessionId}`);
    await page.getByRole('heading', { name: /Active session/ }).waitFor();
    await page.getByRole('button', { name: `Everyone present (2)` }).click();
    await page.getByLabel(`Student note to ${names[0]}`).waitFor();

    await page.context().setOffline(true);
    const mine = 'Typed on the tablet while the Wi-Fi was down: Ida finished the lab report.';
    await page.getByLabel(`Student note to ${names[0]}`).fill(mine);
    await page.getByLabel(`Student note to ${names[0]}`).blur();
    await page.getByRole('status').filter({ hasText: '1 change so far' }).waitFor();
    // Meanwhile the same note is written from another device.
    const before = participantNamed((await readSession(sessionId)).participants, names[0]);
    const theirs = 'Written on the laptop: Ida started the lab report.';
    await as(platform.gateway, tutor)
      .patch(`/api/sessions/${sessionId}/participants/${before.id}`)
      .send({ version: before.version, studentNote: theirs })
      .expect(200);

    await page.context().setOffline(false);
    const dialog = page.getByRole('dialog', { name: 'Changed by someone else while you were offline' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByRole('cell', { name: mine }).waitFor();
    await dialog.getByRole('cell', { name: theirs }).waitFor();
    await expectAccessible(page, 'offline conflict');
    await screenshots(page, 'offline-conflict');
    // Nothing is overwritten before the provider chooses.
    expect(participantNamed((await readSession(sessionId)).participants, names[0]).studentNote).toBe(theirs);

    await dialog.getByRole('button', { name: 'Keep my change' }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitFor(async () => participantNamed((await readSession(sessionId)).participants, names[0]).studentNote === mine, 20_000);
    await page.getByTestId('offline-status').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByLabel(`Student note to ${names[0]}`).inputValue()).toBe(mine);
  });
});
