import { changedFields, createdFields } from './audit-log';

describe('changedFields', () => {
  it('keeps only the fields that changed, before and after', () => {
    expect(changedFields({ id: 'a', grade: '5', hasIep: false, lastName: 'Lee' }, { id: 'a', grade: '6', hasIep: true, lastName: 'Lee' })).toEqual({
      before: { grade: '5', hasIep: false },
      after: { grade: '6', hasIep: true },
    });
  });

  it('compares nested settings key by key under dotted names, and arrays whole', () => {
    expect(
      changedFields({ settings: { lateEntryDays: 14, taskDueHours: 24 }, schoolIds: ['a'] }, { settings: { lateEntryDays: 7, taskDueHours: 24 }, schoolIds: ['a', 'b'] }),
    ).toEqual({ before: { 'settings.lateEntryDays': 14, schoolIds: ['a'] }, after: { 'settings.lateEntryDays': 7, schoolIds: ['a', 'b'] } });
  });

  it('records a field that appears or disappears as null on the other side', () => {
    expect(changedFields({ stateId: null }, { stateId: 'ST1' })).toEqual({ before: { stateId: null }, after: { stateId: 'ST1' } });
    expect(changedFields({}, { homeboundTeacherId: 'u1' })).toEqual({ before: { homeboundTeacherId: null }, after: { homeboundTeacherId: 'u1' } });
  });

  it('answers null when nothing but bookkeeping changed', () => {
    expect(changedFields({ name: 'A', version: 1, updatedAt: 'x' }, { name: 'A', version: 2, updatedAt: 'y' })).toBeNull();
  });

  it('never records secrets or note text, whatever the caller passes', () => {
    const before = { passwordHash: 'h1', clientSecret: 's1', refreshToken: 't1', pin: '1234', signingPinHash: 'p', studentNote: 'old', hasPassword: false, grade: '5' };
    const after = { passwordHash: 'h2', clientSecret: 's2', refreshToken: 't2', pin: '5678', signingPinHash: 'q', studentNote: 'new', hasPassword: true, grade: '6' };
    expect(changedFields(before, after)).toEqual({ before: { grade: '5' }, after: { grade: '6' } });
    expect(createdFields(after)).toEqual({ grade: '6' });
  });
});
