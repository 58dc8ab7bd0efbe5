import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Figure, type FigureProps } from './Figure';

const TABLE = {
  head: ['Provider', 'Minutes'],
  rows: [
    ['=Pia Tutor', 1225],
    ['Quinn, Coach', 30],
  ],
};

function renderFigure(props: Partial<FigureProps> = {}) {
  return render(
    <MantineProvider>
      <Figure id="minutes" title="Student minutes by provider" description="What each student received." chart={<div aria-hidden="true">chart</div>} empty="No posted session on these dates." table={TABLE} leftOut={null} filename="minutes.csv" busy={false} {...props} />
    </MantineProvider>,
  );
}

describe('Figure', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives screen readers the table before it is shown, and shows the same table on request', () => {
    renderFigure();
    const table = screen.getByRole('table', { name: 'Student minutes by provider' });
    expect(table.closest('[aria-hidden="true"]')).toBeNull();
    expect(screen.getByRole('rowheader', { name: '=Pia Tutor' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: '1,225' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show as table' }));
    expect(screen.getByRole('button', { name: 'Hide the table' })).toBeTruthy();
    expect(screen.getAllByRole('table', { name: 'Student minutes by provider' })).toHaveLength(1);
  });

  it('downloads the table as CSV, escaped and with formulas kept as text', async () => {
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:figure';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderFigure();
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(clicked).toHaveBeenCalledTimes(1);
    expect(await blobs[0].text()).toBe(`Provider,Minutes\r\n'=Pia Tutor,1225\r\n"Quinn, Coach",30\r\n`);
  });

  it('says what the API left out, and offers neither table nor download when there is nothing', () => {
    renderFigure({ chart: null, table: { head: TABLE.head, rows: [] }, leftOut: '2 groups with fewer than 10 students each were left out' });
    expect(screen.getByText('No posted session on these dates.')).toBeTruthy();
    expect(screen.getByText('2 groups with fewer than 10 students each were left out, to protect their privacy.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Download CSV' })).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });
});
