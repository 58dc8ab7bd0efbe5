import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { savedNote, useRecordDraft } from './useRecordDraft';

describe(useRecordDraft.name, () => {
  const read = { firstName: 'Ada', lastName: 'Archer' };

  it('after a reload shows someone else’s change where nothing was typed, and keeps what was typed', async () => {
    const afterReload = vi.fn();
    const { result, rerender } = renderHook(({ saved }) => useRecordDraft(saved, async () => undefined, afterReload), { initialProps: { saved: read } });
    act(() => result.current.change({ lastName: 'Archer-Lee' }));
    expect(result.current.changes).toEqual({ lastName: 'Archer-Lee' });

    // Someone else renamed her meanwhile; the reload brings their version.
    rerender({ saved: { firstName: 'Adah', lastName: 'Archer' } });
    await act(() => result.current.reload());
    expect(afterReload).toHaveBeenCalledOnce();
    expect(result.current.reloaded).toBe(true);
    expect(result.current.draft).toEqual({ firstName: 'Adah', lastName: 'Archer-Lee' });
    expect(result.current.changes).toEqual({ lastName: 'Archer-Lee' });
  });

  it('has nothing to save once the record holds what was typed', () => {
    const { result, rerender } = renderHook(({ saved }) => useRecordDraft(saved, async () => undefined, () => undefined), { initialProps: { saved: read } });
    act(() => result.current.change({ firstName: 'Adah' }));
    rerender({ saved: { firstName: 'Adah', lastName: 'Archer' } });
    expect(result.current.changes).toEqual({});
  });
});

describe('savedNote', () => {
  it('names the saved value only under a field typed otherwise, and only after a reload', () => {
    const saved = { firstName: 'Adah', stateId: '' };
    expect(savedNote(saved, { firstName: 'Ada', stateId: '' }, 'firstName')).toBe('Saved: Adah');
    expect(savedNote(saved, { firstName: 'Adah', stateId: 'S1' }, 'stateId')).toBe('Saved: none');
    expect(savedNote(saved, { firstName: 'Adah', stateId: '' }, 'firstName')).toBeUndefined();
    expect(savedNote(undefined, { firstName: 'Ada', stateId: '' }, 'firstName')).toBeUndefined();
  });
});
