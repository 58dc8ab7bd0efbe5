/* Words and numbers for the roster import screen, from the API's import record. */
import type { Schemas } from '@sessionledger/api-client';

type Counts = Schemas['RosterCountsReply'];
type ImportRecord = Pick<Schemas['RosterImportSummary'], 'status' | 'files' | 'progress'>;

/** The writing steps the importer reports after reading the files (apps/gateway/src/roster/import/roster-importer.ts). */
const WRITING = ['writing schools and academic sessions', 'writing staff, students and guardians', 'writing groups and memberships'];

/**
 * How far an import has come, 0–100. The API reports a phase (reading a
 * file, then three writing steps) and rows read, not a total, so each phase
 * counts as one step of the files received plus the writes.
 */
export function importPercent(found: ImportRecord): number {
  if (found.status === 'succeeded' || found.status === 'failed') return 100;
  const phase = found.progress.phase ?? '';
  const files = found.files.filter((file) => file !== 'manifest.csv');
  const steps = files.length + WRITING.length;
  if (found.status === 'queued' || steps === 0) return 0;
  const writing = WRITING.indexOf(phase);
  if (writing >= 0) return Math.round(((files.length + writing) / steps) * 100);
  const reading = /^reading (.+)$/.exec(phase);
  const index = reading ? files.indexOf(reading[1]) : -1;
  return index >= 0 ? Math.round((index / steps) * 100) : 0;
}

/** The phase in words: "Reading users.csv, 1,234 rows read so far". */
export function describeProgress(found: ImportRecord): string {
  if (found.status === 'queued') return found.progress.phase?.startsWith('retrying') ? `Waiting to run again (${found.progress.phase})` : 'Waiting to start';
  if (found.status === 'succeeded') return 'Finished';
  if (found.status === 'failed') return 'Stopped: nothing was written';
  const phase = found.progress.phase ?? 'starting';
  const rows = found.progress.rowsRead ?? 0;
  return `${phase.charAt(0).toUpperCase()}${phase.slice(1)}, ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'} read so far`;
}

export const ENTITIES = [
  ['schools', 'Schools'],
  ['staff', 'Staff'],
  ['students', 'Students'],
  ['guardians', 'Guardians'],
  ['groups', 'Groups'],
  ['academicSessions', 'Terms'],
] as const;

export const LINKS = [
  ['approvals', 'School approvals'],
  ['guardianLinks', 'Guardian links'],
  ['memberships', 'Group memberships'],
] as const;

export interface EntityRow {
  label: string;
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
}

/** One row per entity the import reported (an entity it never saw is left out). */
export function entityRows(counts: Counts): EntityRow[] {
  return ENTITIES.flatMap(([key, label]) => {
    const c = counts[key];
    return c ? [{ label, created: c.created, updated: c.updated, deactivated: c.deactivated, unchanged: c.unchanged }] : [];
  });
}

export function linkRows(counts: Counts): { label: string; added: number; removed: number }[] {
  return LINKS.flatMap(([key, label]) => {
    const c = counts[key];
    return c ? [{ label, added: c.added, removed: c.removed }] : [];
  });
}

/** Staff, students and guardians the import created: the people an invitation batch would write to. */
export function peopleCreated(counts: Counts): number {
  return (counts.staff?.created ?? 0) + (counts.students?.created ?? 0) + (counts.guardians?.created ?? 0);
}

/** A page of a list the API answers whole (an import's first 1,000 row errors). */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const shown = Math.min(Math.max(1, page), pages);
  return { items: items.slice((shown - 1) * pageSize, shown * pageSize), page: shown, pages };
}

export const STATUS_WORDS: Record<ImportRecord['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
};

/** Invitation problems grouped by kind and reason (the API names people by id only): "2 students: no e-mail address…". */
export function problemGroups(problems: readonly Pick<Schemas['InvitationBatchProblem'], 'kind' | 'reason'>[]): { key: string; kind: string; reason: string; count: number }[] {
  const groups = new Map<string, { key: string; kind: string; reason: string; count: number }>();
  for (const { kind, reason } of problems) {
    const key = `${kind}\u0000${reason}`;
    const group = groups.get(key) ?? { key, kind: kind === 'staff' ? 'staff member' : kind, reason, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()];
}
