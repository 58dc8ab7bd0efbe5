/* Words for the state reporting screen, from the API's export records. */
import type { Schemas } from '@sessionledger/api-client';

type Export = Schemas['ExportReply'];

export const EXPORT_STATUS_WORDS: Record<Export['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Ready',
  failed: 'Failed',
};

export const FORMAT_WORDS: Record<Export['format'], string> = { csv: 'CSV', edfi: 'Ed-Fi JSON' };

/** What the export holds, as the API counts it: "12 records for 5 students: 10 new, 2 corrected". */
export function describeCounts(counts: Export['counts']): string {
  const parts = [
    counts.added && `${counts.added} new`,
    counts.corrected && `${counts.corrected} corrected`,
    counts.unchanged && `${counts.unchanged} unchanged`,
    counts.deleted && `${counts.deleted} deleted`,
  ].filter(Boolean);
  const records = `${counts.records} ${counts.records === 1 ? 'record' : 'records'} for ${counts.students} ${counts.students === 1 ? 'student' : 'students'}`;
  return parts.length > 0 ? `${records}: ${parts.join(', ')}` : records;
}

/** The instant the newest finished export of a format read the records: records changed after it are what the next one corrects. */
export function lastExportedAt(exports: readonly Pick<Export, 'status' | 'format' | 'startedAt' | 'createdAt'>[], format: Export['format']): string | null {
  const done = exports.find((found) => found.status === 'done' && found.format === format);
  return done ? (done.startedAt ?? done.createdAt) : null;
}

/** A session date range is read as days; the API answers the field by name when it refuses one, this only catches the obvious before sending. */
export function rangeProblem(from: string, to: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) return 'Give the first session date';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) return 'Give the last session date';
  return to < from ? 'The last date is before the first' : null;
}
