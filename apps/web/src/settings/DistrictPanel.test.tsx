import { MantineProvider } from '@mantine/core';
import { createSessionledgerClient, type Schemas } from '@sessionledger/api-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiContext } from '../api/ApiContext';
import { DistrictPanel } from './DistrictPanel';

const DISTRICT: Schemas['DistrictResponse'] = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Demo Unified',
  timeZone: 'America/Chicago',
  settings: { cancellationNoticeHours: 24, lateEntryDays: 14, workOrderAssignmentDays: 7, anonymizationMinGroupSize: 10, guardianDigestEnabled: true, taskDueHours: 24, taskEscalationHours: 24 },
  version: 3,
};

// jsdom has no ResizeObserver; the time zone suggestions' list asks for one.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** The district form against a fake API: `reads` answers each GET in turn (the last one again), `patch` each save. */
function renderDistrict(reads: Schemas['DistrictResponse'][], patch: () => Response) {
  const patches: unknown[] = [];
  let read = 0;
  const api = createSessionledgerClient({
    baseUrl: 'http://sl.test',
    fetch: async (request) => {
      if (request.method === 'PATCH') {
        patches.push(await request.json());
        return patch();
      }
      return json(200, reads[Math.min(read++, reads.length - 1)]);
    },
  });
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ApiContext.Provider value={api}>
          <DistrictPanel />
        </ApiContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return patches;
}

afterEach(cleanup);

describe('DistrictPanel', () => {
  it('sends only what changed with the version read', async () => {
    const patches = renderDistrict([DISTRICT], () => json(200, { ...DISTRICT, settings: { ...DISTRICT.settings, lateEntryDays: 21 }, version: 4 }));
    const lateEntry = await screen.findByLabelText(/^Late entry window/);
    fireEvent.change(lateEntry, { target: { value: '21' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the district' }));
    await screen.findByText('Saved.');
    expect(patches).toEqual([{ version: 3, settings: { lateEntryDays: 21 } }]);
  });

  it('on a stale version keeps what was typed, and "Reload" brings the other version', async () => {
    const renamed = { ...DISTRICT, name: 'Renamed Elsewhere', version: 4 };
    renderDistrict([DISTRICT, renamed], () => json(409, { code: 'DISTRICT.STALE', message: 'The district was changed meanwhile', correlationId: 'c1' }));
    const name = await screen.findByLabelText('Name');
    fireEvent.change(name, { target: { value: 'Typed Here' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the district' }));
    const alert = await screen.findByTestId('stale-alert');
    expect(alert.textContent).toContain('Changed by someone else while you were editing');
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Typed Here');

    fireEvent.click(within(alert).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Renamed Elsewhere'));
    expect(screen.queryByTestId('stale-alert')).toBeNull();
  });

  it('shows the API’s field problem beside the field, not again in the alert', async () => {
    renderDistrict([DISTRICT], () =>
      json(400, { code: 'VALIDATION.FAILED', message: 'The request has invalid fields', fields: [{ field: 'timeZone', problems: ['must be an IANA time zone such as America/Chicago'] }], correlationId: 'c2' }),
    );
    const zone = await screen.findByRole('combobox', { name: 'Time zone' });
    fireEvent.change(zone, { target: { value: 'Mars/Olympus' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the district' }));
    await screen.findByText('must be an IANA time zone such as America/Chicago');
    expect(screen.getAllByText('must be an IANA time zone such as America/Chicago')).toHaveLength(1);
    expect(zone.getAttribute('aria-invalid')).toBe('true');
  });
});
