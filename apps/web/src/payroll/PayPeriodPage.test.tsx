import { MantineProvider } from '@mantine/core';
import { createSessionledgerClient, type Schemas } from '@sessionledger/api-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { ApiContext } from '../api/ApiContext';
import { CurrentUserContext } from '../auth/CurrentUserContext';
import { PayPeriodPage } from './PayPeriodPage';
import type { PayLine, PayPeriod, Role } from './period';

const PERIOD: PayPeriod = {
  id: '11111111-1111-4111-8111-111111111111',
  startsOn: '2026-11-23',
  endsOn: '2026-11-29',
  status: 'open',
  lateEntryCutoff: '2026-11-29',
  closedAt: null,
  closedBy: null,
  totals: { payLines: 1, providers: 1, minutes: 45, amountCents: 2250, billableLines: 4, billableUnits: 12 },
  updatedAt: '2026-11-24T16:00:00.000Z',
};

const LINE: PayLine = {
  id: 'l1',
  periodId: PERIOD.id,
  sessionId: '22222222-2222-4222-8222-222222222222',
  sessionVersion: 1,
  kind: 'payment',
  providerId: 'p1',
  providerName: 'Pia Tutor',
  workOrderId: 'w1',
  sessionDate: '2026-11-24',
  minutes: 45,
  rateCents: 3000,
  amountCents: 2250,
  reversesLineId: null,
  createdAt: '2026-11-24T16:00:00.000Z',
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** The period screen against a fake API; `close` answers the close request. */
function renderPeriod(roles: Role[], period: PayPeriod, close: () => Response = () => json(200, { ...period, status: 'closed', closedAt: '2026-12-04T16:00:00.000Z' })) {
  const requests: string[] = [];
  const api = createSessionledgerClient({
    baseUrl: 'http://sl.test',
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      requests.push(`${request.method} ${path}`);
      if (path.endsWith('/close')) return close();
      if (path.endsWith('/lines')) return json(200, { items: [LINE], page: 1, pageSize: 200, total: 1 });
      return json(200, period);
    },
  });
  const me = { userId: 'u1', districtId: 'd1', displayName: 'Pat Payroll', roles, schoolIds: [], providerKind: null } satisfies Schemas['MeResponse'];
  const district = { id: 'd1', name: 'District', timeZone: 'America/Chicago', settings: {} as Schemas['DistrictResponse']['settings'], version: 1 };
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ApiContext.Provider value={api}>
          <CurrentUserContext.Provider value={{ me, district }}>
            <MemoryRouter initialEntries={[`/payroll/periods/${period.id}`]}>
              <Routes>
                <Route path="/payroll/periods/:id" element={<PayPeriodPage />} />
              </Routes>
            </MemoryRouter>
          </CurrentUserContext.Provider>
        </ApiContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return requests;
}

describe('PayPeriodPage', () => {
  it('shows the provider’s line with its amount, each session linking to its screen', async () => {
    renderPeriod(['payroll'], PERIOD);
    const provider = await screen.findByRole('region', { name: 'Pia Tutor' });
    expect(within(provider).getByTestId('provider-amount').textContent).toBe('$22.50 · 45 min');
    expect(within(provider).getByRole('link', { name: 'Tue, Nov 24, 2026' }).getAttribute('href')).toBe(`/sessions/${LINE.sessionId}`);
  });

  it('closes the period only after the confirmation that says it is final', async () => {
    const requests = renderPeriod(['payroll'], PERIOD);
    fireEvent.click(await screen.findByRole('button', { name: 'Close period' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Closing is final: it cannot be reopened.');
    expect(requests.some((r) => r.startsWith('POST'))).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close the period' }));
    expect(await screen.findByText(/^Closed Dec 4, 2026/)).toBeTruthy();
    expect(requests).toContain(`POST /api/pay-periods/${PERIOD.id}/close`);
    expect(screen.queryByRole('button', { name: 'Close period' })).toBeNull();
  });

  it('shows the API’s refusal in its words', async () => {
    renderPeriod(['payroll'], PERIOD, () => json(409, { code: 'PAY_PERIOD.LATE_ENTRY_OPEN', message: 'Sessions of this period may be entered until 2026-11-29', correlationId: 'c1' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Close period' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Close the period' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The period was not closed');
    expect(alert.textContent).toContain('Sessions of this period may be entered until 2026-11-29');
  });

  it('offers no closing while late entries are accepted, nor to a district admin, nor for a closed period', async () => {
    renderPeriod(['payroll'], { ...PERIOD, lateEntryCutoff: '2999-01-01' });
    expect((await screen.findByTestId('close-not-yet')).textContent).toContain('It can be closed from Wed, Jan 2, 2999');
    expect(screen.queryByRole('button', { name: 'Close period' })).toBeNull();
    cleanup();

    renderPeriod(['district_admin'], PERIOD);
    await screen.findByRole('region', { name: 'Pia Tutor' });
    expect(screen.queryByRole('button', { name: 'Close period' })).toBeNull();
    // The payroll CSV is payroll's; the billing one a district admin may export.
    expect(screen.queryByRole('button', { name: 'Download payroll CSV' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Download billing CSV' })).toBeTruthy();
    cleanup();

    renderPeriod(['payroll'], { ...PERIOD, status: 'closed', closedAt: '2026-12-04T16:00:00.000Z' });
    await screen.findByRole('region', { name: 'Pia Tutor' });
    expect(screen.queryByRole('button', { name: 'Close period' })).toBeNull();
  });
});
