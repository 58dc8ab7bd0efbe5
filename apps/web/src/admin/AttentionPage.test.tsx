import { MantineProvider } from '@mantine/core';
import { createSessionledgerClient, type Schemas } from '@sessionledger/api-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiContext } from '../api/ApiContext';
import { CurrentUserContext } from '../auth/CurrentUserContext';
import { AttentionPage } from './AttentionPage';
import type { Role } from './roles';

const SCHOOL = '33333333-3333-4333-8333-333333333333';
const SESSION = {
  id: '22222222-2222-4222-8222-222222222222',
  audience: 'admin',
  providerId: '44444444-4444-4444-8444-444444444444',
  providerName: 'Pia Tutor',
  schoolId: SCHOOL,
  service: 'tutoring',
  participantKind: 'student',
  group: null,
  workOrder: null,
  description: 'Fractions',
  familyInvolvement: false,
  activitiesDescription: null,
  state: 'ended',
  posted: null,
  sessionDate: '2026-12-03',
  startedAt: '2026-12-03T15:00:00.000Z',
  endedAt: '2026-12-03T16:30:00.000Z',
  rawMinutes: 90,
  plannedMinutes: 30,
  adjustedMinutes: 90,
  durationOverride: null,
  cancelledAt: null,
  cancelReason: null,
  needsAttention: true,
  tags: [],
  coachingLog: null,
  participants: [],
  version: 4,
  createdAt: '2026-12-03T15:00:00.000Z',
} satisfies Schemas['SessionReply'];

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const page = (items: unknown[]) => json(200, { items, page: 1, pageSize: 50, total: items.length });

/** The queue against a fake API; `patch` answers the clearing. */
function renderQueue(roles: Role[], patch: () => Response) {
  const writes: { method: string; path: string; body: unknown }[] = [];
  const api = createSessionledgerClient({
    baseUrl: 'http://sl.test',
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      if (request.method !== 'GET') {
        writes.push({ method: request.method, path, body: await request.json() });
        return patch();
      }
      if (path === '/api/needs-attention') return page([SESSION]);
      if (path === '/api/schools') return page([{ id: SCHOOL, name: 'Lincoln Elementary', stateSchoolCode: '1', active: true, sourcedId: null, version: 1 }]);
      if (path.endsWith('/history')) return page([{ id: 'c1', at: '2026-12-03T16:31:00.000Z', actorId: SESSION.providerId, actorName: 'Pia Tutor', action: 'updated', detail: { needsAttention: true } }]);
      if (path.endsWith('/audit')) return json(200, { sessionId: SESSION.id, postable: false, problems: [{ code: 'SESSION.DURATION_OUT_OF_RANGE', message: 'The duration must be at most 60 minutes (the planned 30 plus 30)' }], warnings: [], payment: { payable: false, reason: 'x' }, durationOverride: null });
      if (path === '/api/session-catalog') return json(200, { version: 1, catalog: { services: [{ code: 'tutoring', name: 'Tutoring' }] } });
      return page([]);
    },
  });
  const me = { userId: 'u1', districtId: 'd1', displayName: 'Sam Admin', roles, schoolIds: [SCHOOL], providerKind: null } satisfies Schemas['MeResponse'];
  const district = { id: 'd1', name: 'District', timeZone: 'America/Chicago', settings: {} as Schemas['DistrictResponse']['settings'], version: 1 };
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ApiContext.Provider value={api}>
          <CurrentUserContext.Provider value={{ me, district }}>
            <MemoryRouter initialEntries={['/admin/attention']}>
              <AttentionPage />
            </MemoryRouter>
          </CurrentUserContext.Provider>
        </ApiContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return writes;
}

afterEach(cleanup);

describe('AttentionPage', () => {
  it('shows a flagged session with who flagged it and the audit’s words', async () => {
    renderQueue(['school_admin'], () => json(200, SESSION));
    const item = await screen.findByTestId('flagged-item');
    expect(within(item).getByRole('link', { name: 'Tutoring · Fractions' }).getAttribute('href')).toBe(`/sessions/${SESSION.id}`);
    await within(item).findByText(/^Flagged by Pia Tutor, /);
    await within(item).findByText('Waiting for an admin: The duration must be at most 60 minutes (the planned 30 plus 30)');
    await within(item).findByText('Lincoln Elementary');
    expect(within(item).getByRole('button', { name: 'Approve or change the duration' })).toBeTruthy();
  });

  it('clears with the version read, and shows the API’s refusal in its words', async () => {
    const writes = renderQueue(['district_admin'], () =>
      json(409, { code: 'SESSION.STALE', message: 'The session was changed meanwhile: reload it and try again', correlationId: 'corr-1' }),
    );
    const item = await screen.findByTestId('flagged-item');
    fireEvent.click(within(item).getByRole('button', { name: 'Clear from the queue' }));
    const alert = await within(item).findByRole('alert');
    expect(alert.getAttribute('data-error-code')).toBe('SESSION.STALE');
    expect(alert.textContent).toContain('The session was changed meanwhile: reload it and try again');
    expect(writes).toEqual([{ method: 'PATCH', path: `/api/sessions/${SESSION.id}`, body: { version: 4, needsAttention: false } }]);
  });
});
