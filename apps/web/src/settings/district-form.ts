/*
 * The district's name, time zone and settings windows as a form. Numbers are
 * kept as typed (a half-typed field is not a number yet) and only what
 * changed is sent, so a save never rewrites a setting someone else changed
 * that this screen did not touch.
 */
import type { Schemas } from '@sessionledger/api-client';

export type District = Schemas['DistrictResponse'];
export type DistrictSettings = Schemas['DistrictSettingsSnapshot'];
export type NumericSetting = Exclude<keyof DistrictSettings, 'guardianDigestEnabled'>;

/** Each window with its words and the API's limits (`DistrictSettingsPatch`). */
export const NUMERIC_SETTINGS: { key: NumericSetting; label: string; unit: string; description: string; min: number; max: number }[] = [
  { key: 'cancellationNoticeHours', label: 'Cancellation notice', unit: 'hours', description: 'Cancelling at least this many hours before the start is not billable', min: 0, max: 24 * 14 },
  { key: 'lateEntryDays', label: 'Late entry window', unit: 'days', description: 'Days after the session date a session may still be entered', min: 0, max: 90 },
  { key: 'workOrderAssignmentDays', label: 'Work order assignment window', unit: 'days', description: 'Days after the session date a work order may still be assigned', min: 0, max: 30 },
  { key: 'taskDueHours', label: 'Post-session tasks due after', unit: 'hours', description: 'Attendance and notes are due this many hours after the session starts', min: 1, max: 24 * 30 },
  { key: 'taskEscalationHours', label: 'Escalate overdue tasks after', unit: 'hours', description: 'An open task this many hours past due is escalated to its school admins', min: 1, max: 24 * 30 },
  { key: 'anonymizationMinGroupSize', label: 'Smallest group shown in anonymized dashboards', unit: 'people', description: 'Smaller groups are suppressed', min: 1, max: 1000 },
];

export interface DistrictForm {
  name: string;
  timeZone: string;
  numbers: Record<NumericSetting, string>;
  guardianDigestEnabled: boolean;
}

export function districtForm(district: District): DistrictForm {
  return {
    name: district.name,
    timeZone: district.timeZone,
    numbers: Object.fromEntries(NUMERIC_SETTINGS.map(({ key }) => [key, String(district.settings[key])])) as Record<NumericSetting, string>,
    guardianDigestEnabled: district.settings.guardianDigestEnabled,
  };
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Fields typed as something other than a number: said beside the field, since there is nothing to send. */
export function notNumbers(form: DistrictForm): Partial<Record<NumericSetting, string>> {
  return Object.fromEntries(NUMERIC_SETTINGS.filter(({ key }) => !NUMBER.test(form.numbers[key].trim())).map(({ key }) => [key, 'Write a number']));
}

/** The PATCH body: the version read and each field that differs from it. Limits are the API's to enforce (it names the field). */
export function districtPatch(read: District, form: DistrictForm): Schemas['UpdateDistrictRequest'] {
  const patch: Schemas['UpdateDistrictRequest'] = { version: read.version };
  if (form.name !== read.name) patch.name = form.name;
  if (form.timeZone !== read.timeZone) patch.timeZone = form.timeZone.trim();
  const settings: Record<string, number | boolean> = {};
  for (const { key } of NUMERIC_SETTINGS) {
    const typed = form.numbers[key].trim();
    if (NUMBER.test(typed) && Number(typed) !== read.settings[key]) settings[key] = Number(typed);
  }
  if (form.guardianDigestEnabled !== read.settings.guardianDigestEnabled) settings.guardianDigestEnabled = form.guardianDigestEnabled;
  if (Object.keys(settings).length) patch.settings = settings;
  return patch;
}

export function hasChanges(patch: Schemas['UpdateDistrictRequest']): boolean {
  return Object.keys(patch).some((key) => key !== 'version');
}

/** Every zone the browser knows, for suggestions; the API decides which it accepts. */
export function knownTimeZones(): string[] {
  return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}
