import { describe, expect, it } from 'vitest';
import { districtForm, districtPatch, hasChanges, notNumbers, type District } from './district-form';

const DISTRICT: District = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Demo Unified',
  timeZone: 'America/Chicago',
  settings: { cancellationNoticeHours: 24, lateEntryDays: 14, workOrderAssignmentDays: 7, anonymizationMinGroupSize: 10, guardianDigestEnabled: true, taskDueHours: 24, taskEscalationHours: 24 },
  version: 5,
};

describe('district form', () => {
  it('sends nothing but the version when nothing changed', () => {
    const patch = districtPatch(DISTRICT, districtForm(DISTRICT));
    expect(patch).toEqual({ version: 5 });
    expect(hasChanges(patch)).toBe(false);
  });

  it('sends only the fields changed, numbers as numbers, with the version read', () => {
    const form = districtForm(DISTRICT);
    form.timeZone = ' America/New_York ';
    form.numbers.lateEntryDays = '21';
    form.guardianDigestEnabled = false;
    expect(districtPatch(DISTRICT, form)).toEqual({ version: 5, timeZone: 'America/New_York', settings: { lateEntryDays: 21, guardianDigestEnabled: false } });
  });

  it('leaves the API to refuse a number past its limits, and says beside the field when what was typed is no number', () => {
    const form = districtForm(DISTRICT);
    form.numbers.lateEntryDays = '500';
    form.numbers.taskDueHours = 'ten';
    expect(districtPatch(DISTRICT, form).settings).toEqual({ lateEntryDays: 500 });
    expect(notNumbers(form)).toEqual({ taskDueHours: 'Write a number' });
  });
});
