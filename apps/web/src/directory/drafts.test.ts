import { describe, expect, it } from 'vitest';
import { blankAsNull, changedFields } from './drafts';

describe('record drafts', () => {
  const saved = { firstName: 'Ada', lastName: 'Lovelace', stateId: null as string | null, hasIep: false };

  it('sends only the fields typed differently, trimmed', () => {
    expect(changedFields({ ...saved, stateId: '' }, { ...saved, firstName: ' Ada ', lastName: 'Byron', stateId: '', hasIep: true })).toEqual({ lastName: 'Byron', hasIep: true });
  });

  it('sends nothing when nothing was changed', () => {
    expect(changedFields(saved, { ...saved })).toEqual({});
  });

  it('treats a blank optional field as cleared', () => {
    expect(blankAsNull('  ')).toBeNull();
    expect(blankAsNull(' S-1 ')).toBe('S-1');
    expect(blankAsNull(undefined)).toBeUndefined();
  });
});
