import { MantineProvider } from '@mantine/core';
import { createSessionledgerClient } from '@sessionledger/api-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiContext } from '../api/ApiContext';
import { ClosureDaysPanel } from './ClosureDaysPanel';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** The closure days against a fake API holding `stored`; `answerPut` answers each save. */
function renderClosures(stored: { date: string; name: string | null }[], answerPut: (body: { days: unknown[] }) => Response) {
  const puts: unknown[] = [];
  const api = createSessionledgerClient({
    baseUrl: 'http://sl.test',
    fetch: async (request) => {
      if (request.method === 'PUT') {
        const body = (await request.json()) as { days: unknown[] };
        puts.push(body);
        return answerPut(body);
      }
      return json(200, { days: stored });
    },
  });
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ApiContext.Provider value={api}>
          <ClosureDaysPanel />
        </ApiContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return puts;
}

afterEach(cleanup);

describe('ClosureDaysPanel', () => {
  it('adds a day among the stored ones and sends the whole list in date order', async () => {
    const puts = renderClosures([{ date: '2026-12-24', name: 'Winter break' }], (body) => json(200, body));
    await screen.findByText('Winter break');
    fireEvent.change(screen.getByLabelText('Closed on'), { target: { value: '2026-11-26' } });
    fireEvent.change(screen.getByLabelText('Name (optional)'), { target: { value: 'Thanksgiving' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add the day' }));
    expect(screen.getAllByTestId('closure-day').map((row) => row.textContent)).toEqual([expect.stringContaining('Thanksgiving'), expect.stringContaining('Winter break')]);
    fireEvent.click(screen.getByRole('button', { name: 'Save the closure days' }));
    await screen.findByText('Saved.');
    expect(puts).toEqual([
      {
        days: [
          { date: '2026-11-26', name: 'Thanksgiving' },
          { date: '2026-12-24', name: 'Winter break' },
        ],
      },
    ]);
  });

  it('shows the API’s problem with a day on that day’s row, and keeps the list as edited', async () => {
    renderClosures([], () =>
      json(400, { code: 'VALIDATION.FAILED', message: 'The request has invalid fields', fields: [{ field: 'days.0.name', problems: ['name must be shorter than or equal to 200 characters'] }], correlationId: 'c1' }),
    );
    await screen.findByText('No closure day yet.');
    fireEvent.change(screen.getByLabelText('Closed on'), { target: { value: '2027-01-18' } });
    fireEvent.change(screen.getByLabelText('Name (optional)'), { target: { value: 'MLK Day' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add the day' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save the closure days' }));
    const [row] = screen.getAllByTestId('closure-day');
    await within(row).findByText('name must be shorter than or equal to 200 characters');
    // Once, beside the day, not repeated in the alert.
    expect(screen.getAllByText('name must be shorter than or equal to 200 characters')).toHaveLength(1);
    expect(row.textContent).toContain('MLK Day');
  });

  it('refuses a day already in the list before anything is sent', async () => {
    const puts = renderClosures([{ date: '2026-12-24', name: null }], (body) => json(200, body));
    await screen.findByTestId('closure-day');
    fireEvent.change(screen.getByLabelText('Closed on'), { target: { value: '2026-12-24' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add the day' }));
    await screen.findByText('2026-12-24 is already closed');
    expect(screen.getAllByTestId('closure-day')).toHaveLength(1);
    expect(puts).toEqual([]);
  });
});
