import { MantineProvider } from '@mantine/core';
import { createSessionledgerClient, type Schemas } from '@sessionledger/api-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { File as NodeFile } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiContext } from '../api/ApiContext';
import { CurrentUserContext } from '../auth/CurrentUserContext';
import { RosterImportsPage } from './RosterImportsPage';

const IMPORT: Schemas['RosterImportResponse'] = {
  id: '11111111-1111-4111-8111-111111111111',
  status: 'succeeded',
  dryRun: true,
  source: 'upload',
  files: ['users.csv'],
  version: '1.1',
  progress: { phase: 'done', rowsRead: 3 },
  counts: { students: { created: 2, updated: 0, deactivated: 0, unchanged: 0 }, errorsByFile: { 'users.csv': 1 } },
  errorCount: 1,
  notices: [],
  failure: null,
  requestedBy: 'u1',
  createdAt: '2026-12-04T16:00:00.000Z',
  startedAt: '2026-12-04T16:00:01.000Z',
  finishedAt: '2026-12-04T16:00:02.000Z',
  errors: [{ file: 'users.csv', line: 4, column: 'grades', reason: 'grade "Nine" is not a grade', sourcedId: 'st3' }],
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

interface Sent {
  method: string;
  url: URL;
  contentType: string | null;
  bytes: number;
}

function renderPage() {
  const sent: Sent[] = [];
  const api = createSessionledgerClient({
    baseUrl: 'http://sl.test',
    fetch: async (request) => {
      const url = new URL(request.url);
      const body = await request.text();
      sent.push({ method: request.method, url, contentType: request.headers.get('Content-Type'), bytes: body.length });
      if (request.method === 'POST') return json(202, { ...IMPORT, dryRun: url.searchParams.get('dryRun') === 'true' });
      if (url.pathname === '/api/roster/imports') return json(200, { items: [], page: 1, pageSize: 10, total: 0 });
      return json(200, IMPORT);
    },
  });
  const me = { userId: 'u1', districtId: 'd1', displayName: 'Dana Admin', roles: ['district_admin'], schoolIds: [], providerKind: null } satisfies Schemas['MeResponse'];
  const district = { id: 'd1', name: 'District', timeZone: 'America/Chicago', settings: {} as Schemas['DistrictResponse']['settings'], version: 1 };
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ApiContext.Provider value={api}>
          <CurrentUserContext.Provider value={{ me, district }}>
            <MemoryRouter initialEntries={['/admin/roster-imports']}>
              <Routes>
                <Route path="/admin/roster-imports" element={<RosterImportsPage />} />
              </Routes>
            </MemoryRouter>
          </CurrentUserContext.Provider>
        </ApiContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return sent;
}

function chooseZip() {
  const input = document.querySelector('input[type="file"]') as HTMLInputElement;
  // Node's File, as the fetch under test (Node's) reads it; jsdom's File is a different class it does not know.
  const zip = new NodeFile([new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)])], 'roster.zip', { type: 'application/zip' });
  fireEvent.change(input, { target: { files: [zip] } });
}

// jsdom has no ResizeObserver; the tables' scroll containers only need it to exist.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

afterEach(cleanup);

describe('RosterImportsPage', () => {
  it('sends the zip as it is, as a dry run unless asked otherwise, and shows the row error', async () => {
    const sent = renderPage();
    chooseZip();
    fireEvent.click(screen.getByRole('button', { name: 'Check the roster (dry run)' }));
    await screen.findByTestId('dry-run-note', {}, { timeout: 5000 });
    const post = sent.find((s) => s.method === 'POST');
    expect(post?.url.pathname).toBe('/api/roster/imports');
    expect(post?.url.searchParams.get('dryRun')).toBe('true');
    expect(post?.contentType).toBe('application/zip');
    expect(post?.bytes).toBe(22);
    const row = screen.getByTestId('row-error');
    expect(within(row).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['users.csv', '4', 'grades', 'grade "Nine" is not a gradeusers.csv, column gradessourcedId st3']);
  });

  it('applies for real only after the confirmation', async () => {
    const sent = renderPage();
    chooseZip();
    fireEvent.click(screen.getByRole('checkbox', { name: /Apply the changes/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Import the roster' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import the roster for real?' }, { timeout: 5000 });
    expect(sent.some((s) => s.method === 'POST')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import and apply' }));
    await waitFor(() => expect(sent.find((s) => s.method === 'POST')?.url.searchParams.get('dryRun')).toBe('false'), { timeout: 5000 });
  });

  it('asks for the file before sending anything', () => {
    const sent = renderPage();
    fireEvent.click(screen.getByRole('button', { name: 'Check the roster (dry run)' }));
    expect(screen.getByText('Choose the zip to import')).toBeTruthy();
    expect(sent.some((s) => s.method === 'POST')).toBe(false);
  });
});
