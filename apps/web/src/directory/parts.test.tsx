import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { SaveRefusal } from './parts';

const renderIn = (ui: ReactElement) => render(<MantineProvider>{ui}</MantineProvider>);

describe(SaveRefusal.name, () => {
  it('says a stale save was changed by someone else and offers the reload', () => {
    const onReload = vi.fn();
    const stale = new ApiError(409, { code: 'STUDENT.STALE', message: 'The student was changed by someone else (now version 4); reload it and try again' });
    renderIn(<SaveRefusal error={stale} title="The student was not saved" onReload={onReload} reloading={false} />);
    expect(screen.getByRole('alert').textContent).toContain('Changed by someone else; reload');
    fireEvent.click(screen.getByRole('button', { name: 'Reload the record' }));
    expect(onReload).toHaveBeenCalledOnce();
  });

  it('shows any other refusal in the API’s words, without a reload', () => {
    const refusal = new ApiError(409, { code: 'STAFF.LEADS_GROUPS', message: 'The provider leads active groups at that school' });
    renderIn(<SaveRefusal error={refusal} title="The approvals were not saved" onReload={() => undefined} reloading={false} />);
    expect(screen.getByRole('alert').textContent).toContain('The provider leads active groups at that school');
    expect(screen.queryByRole('button', { name: 'Reload the record' })).toBeNull();
  });
});
