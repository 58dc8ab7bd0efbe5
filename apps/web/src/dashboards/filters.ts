/*
 * The dashboards' filters as they live in the address bar (dates, school,
 * anonymized, each chart's grouping and the dosage page), so a dashboard
 * reloads and links as it is. Dates and school are read as the admin
 * session list reads them; an unknown grouping falls back to the first.
 */
import type { Schemas } from '@sessionledger/api-client';
import { pageNumber, readFilters } from '../admin/filters';

export type MinutesGrouping = Schemas['MinutesDashboardReply']['groupBy'];
export type CoachingGrouping = Schemas['CoachingDashboardReply']['groupBy'];

/** The API's groupings, in the order they are offered, with the words a reader chooses from. */
export const MINUTES_GROUPINGS: { value: MinutesGrouping; label: string }[] = [
  { value: 'service', label: 'Service' },
  { value: 'category', label: 'Category (work order type)' },
  { value: 'school', label: 'School' },
  { value: 'provider', label: 'Provider' },
  { value: 'qualifier', label: 'Qualifier' },
  { value: 'week', label: 'Week' },
];

export const COACHING_GROUPINGS: { value: CoachingGrouping; label: string }[] = [
  { value: 'category', label: 'Category' },
  { value: 'teacher', label: 'Teacher' },
  { value: 'teacher_group', label: 'Teacher group' },
  { value: 'provider', label: 'Coach' },
  { value: 'school', label: 'School' },
];

export interface DashboardFilters {
  schoolId: string | null;
  from: string | null;
  to: string | null;
  /** Groups smaller than the district's minimum left out, and no student named. */
  anonymized: boolean;
  minutesBy: MinutesGrouping;
  coachingBy: CoachingGrouping;
  dosagePage: number;
}

function oneOf<T extends string>(value: string | null, choices: { value: T }[]): T {
  return choices.find((choice) => choice.value === value)?.value ?? choices[0].value;
}

export function readDashboardFilters(search: URLSearchParams): DashboardFilters {
  const { schoolId, from, to } = readFilters(search);
  return {
    schoolId,
    from,
    to,
    anonymized: search.get('anonymized') === '1',
    minutesBy: oneOf(search.get('minutes'), MINUTES_GROUPINGS),
    coachingBy: oneOf(search.get('coaching'), COACHING_GROUPINGS),
    dosagePage: pageNumber(search.get('page')),
  };
}

/** Only what differs from the defaults, so the plain dashboard is plain `/admin/dashboards`. */
export function writeDashboardFilters(filters: DashboardFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.schoolId) search.set('school', filters.schoolId);
  if (filters.from) search.set('from', filters.from);
  if (filters.to) search.set('to', filters.to);
  if (filters.anonymized) search.set('anonymized', '1');
  if (filters.minutesBy !== MINUTES_GROUPINGS[0].value) search.set('minutes', filters.minutesBy);
  if (filters.coachingBy !== COACHING_GROUPINGS[0].value) search.set('coaching', filters.coachingBy);
  if (filters.dosagePage > 1) search.set('page', String(filters.dosagePage));
  return search;
}

/** Dates, school or anonymized changed: the dosage list starts again at its first page, which surely exists. */
export function changeScope(filters: DashboardFilters, change: Partial<Pick<DashboardFilters, 'schoolId' | 'from' | 'to' | 'anonymized'>>): DashboardFilters {
  return { ...filters, ...change, dosagePage: 1 };
}

/** What every dashboard query shares; undefined leaves a filter out. */
export function scopeQuery(filters: DashboardFilters) {
  return {
    schoolId: filters.schoolId ?? undefined,
    from: filters.from ?? undefined,
    to: filters.to ?? undefined,
    anonymized: filters.anonymized || undefined,
  };
}
