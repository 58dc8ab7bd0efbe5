/*
 * The dashboards' replies shaped for a chart and its table: readable labels,
 * a stable order, and the groups the API left out said as such. The table
 * rows are also the CSV's, so what is downloaded is what is shown.
 */
import type { Schemas } from '@sessionledger/api-client';
import { workOrderLabel } from '../sessions/SessionPage';
import { formatDay } from '../today/local-time';
import type { Cell, FigureTable } from './csv';
import { COACHING_GROUPINGS, MINUTES_GROUPINGS, type CoachingGrouping, type MinutesGrouping } from './filters';

export type MinutesReply = Schemas['MinutesDashboardReply'];
export type CoachingReply = Schemas['CoachingDashboardReply'];
export type DosageReply = Schemas['DosageDashboardReply'];

/** Where a cell's number was left out by the API: a word, never a figure worked out here. */
export const WITHHELD = 'Withheld';

/** Names the API answers with codes or ids for: services from the catalog, schools from the directory. */
export interface Namers {
  service: (code: string) => string;
  school: (id: string) => string | undefined;
}

export interface Bar {
  key: string;
  label: string;
  minutes: number;
}

export interface GroupedFigure {
  bars: Bar[];
  table: FigureTable;
  /** Said beside the chart when the API left groups out. */
  leftOut: string | null;
}

const QUALIFIER_LABELS: Record<string, string> = {
  homebound: 'Homebound',
  detention: 'Detention',
  credit_recovery: 'Credit recovery',
  remedial: 'Remedial',
  none: 'No qualifier',
};

export function weekLabel(monday: string): string {
  return `Week of ${formatDay(monday, { month: 'short', day: 'numeric', year: 'numeric' })}`;
}

export function minutesGroupLabel(groupBy: MinutesGrouping, group: Pick<Bar, 'key' | 'label'>, names: Namers): string {
  switch (groupBy) {
    case 'service':
      return names.service(group.key);
    case 'category':
      return group.key === 'none' ? 'No work order' : workOrderLabel(group.key);
    case 'school':
      return names.school(group.key) ?? group.label;
    case 'qualifier':
      return QUALIFIER_LABELS[group.key] ?? group.label;
    case 'week':
      return weekLabel(group.key);
    case 'provider':
      return group.label;
  }
}

export function coachingGroupLabel(groupBy: CoachingGrouping, group: Pick<Bar, 'key' | 'label'>, names: Namers): string {
  switch (groupBy) {
    case 'category':
      // The coaching log's own category as written, else the coaching service's code, which the catalog names.
      return names.service(group.key);
    case 'teacher_group':
      return group.key === 'none' ? 'In no group' : group.label;
    case 'school':
      return names.school(group.key) ?? group.label;
    case 'provider':
    case 'teacher':
      return group.label;
  }
}

/** "2 groups with fewer than 10 students each were left out", or null when none was. */
export function leftOutNote(reply: Pick<MinutesReply, 'anonymized' | 'suppressedGroups' | 'minGroupSize'>, people: string): string | null {
  const count = reply.anonymized ? reply.suppressedGroups : 0;
  if (count === 0) return null;
  return `${count} ${count === 1 ? 'group' : 'groups'} with fewer than ${reply.minGroupSize} ${people} each ${count === 1 ? 'was' : 'were'} left out`;
}

/** Weeks in time order; any other grouping by its label, as a reader looks a name up. */
function ordered<T extends Bar>(rows: T[], chronological: boolean): T[] {
  return [...rows].sort((a, b) => (chronological ? a.key.localeCompare(b.key) : a.label.localeCompare(b.label) || a.key.localeCompare(b.key)));
}

/** A last row standing for the groups left out: named, with no number but the count the API gives. */
function leftOutRow(note: string | null, width: number): Cell[][] {
  return note ? [[note, ...Array.from({ length: width - 1 }, () => WITHHELD)]] : [];
}

export function minutesFigure(reply: MinutesReply, names: Namers): GroupedFigure {
  const groups = ordered(
    reply.groups.map((group) => ({ ...group, label: minutesGroupLabel(reply.groupBy, group, names) })),
    reply.groupBy === 'week',
  );
  const leftOut = leftOutNote(reply, 'students');
  const heading = MINUTES_GROUPINGS.find((grouping) => grouping.value === reply.groupBy)?.label ?? reply.groupBy;
  const head = [heading, 'Minutes', 'Students', 'Sessions', 'Student records'];
  return {
    bars: groups.map(({ key, label, minutes }) => ({ key, label, minutes })),
    table: { head, rows: [...groups.map((g) => [g.label, g.minutes, g.students, g.sessions, g.records]), ...leftOutRow(leftOut, head.length)] },
    leftOut,
  };
}

export function coachingFigure(reply: CoachingReply, names: Namers): GroupedFigure {
  const groups = ordered(
    reply.groups.map((group) => ({ ...group, label: coachingGroupLabel(reply.groupBy, group, names) })),
    false,
  );
  const leftOut = leftOutNote(reply, 'teachers');
  const heading = COACHING_GROUPINGS.find((grouping) => grouping.value === reply.groupBy)?.label ?? reply.groupBy;
  const head = [heading, 'Minutes', 'Teachers', 'Sessions'];
  return {
    bars: groups.map(({ key, label, minutes }) => ({ key, label, minutes })),
    table: { head, rows: [...groups.map((g) => [g.label, g.minutes, g.teachers, g.sessions]), ...leftOutRow(leftOut, head.length)] },
    leftOut,
  };
}

export interface DosageBar {
  key: string;
  label: string;
  planned: number;
  delivered: number;
}

export interface DosageFigure {
  bars: DosageBar[];
  table: FigureTable;
  /** Said instead of the totals when the API withheld them. */
  withheld: string | null;
}

const percentCell = (percent: number | null): Cell => percent ?? 'Nothing planned';

/**
 * Named: a page of students and the totals over all of them. Anonymized: the
 * totals alone (no student is named), or nothing but the reason when the API
 * withheld them for too few students.
 */
export function dosageFigure(reply: DosageReply): DosageFigure {
  if (reply.anonymized) {
    const head = ['Students', 'Planned minutes', 'Delivered minutes', 'Delivered, % of planned'];
    if (!reply.totals) {
      return { bars: [], table: { head, rows: [head.map(() => WITHHELD)] }, withheld: `Fewer than ${reply.minGroupSize} students: the totals are withheld` };
    }
    const { students, plannedMinutes, deliveredMinutes, dosagePercent } = reply.totals;
    return {
      bars: [{ key: 'all', label: `All ${students} students`, planned: plannedMinutes, delivered: deliveredMinutes }],
      table: { head, rows: [[students, plannedMinutes, deliveredMinutes, percentCell(dosagePercent)]] },
      withheld: null,
    };
  }
  const head = ['Student', 'State ID', 'Planned minutes', 'Delivered minutes', 'Delivered, % of planned', 'Sessions'];
  const rows: Cell[][] = reply.items.map((item) => [item.studentName, item.stateId, item.plannedMinutes, item.deliveredMinutes, percentCell(item.dosagePercent), item.sessions]);
  if (reply.totals) {
    const { students, plannedMinutes, deliveredMinutes, dosagePercent } = reply.totals;
    rows.push([`All ${students} ${students === 1 ? 'student' : 'students'}`, null, plannedMinutes, deliveredMinutes, percentCell(dosagePercent), null]);
  }
  return {
    bars: reply.items.map((item) => ({ key: item.studentId, label: item.studentName, planned: item.plannedMinutes, delivered: item.deliveredMinutes })),
    table: { head, rows },
    withheld: null,
  };
}
