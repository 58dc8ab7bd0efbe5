/* The words of a finished-job notice, in the list and as announced to screen readers. */
import type { JobNotice } from './api';

const JOB_NAMES: Record<JobNotice['job']['kind'], string> = {
  'roster-import': 'Roster import',
  'state-export': 'State export',
  'district-export': 'District export',
  'invitation-batch': 'Invitations',
};

export function noticeTitle(notice: Pick<JobNotice, 'job'>): string {
  return `${JOB_NAMES[notice.job.kind]} ${notice.job.status === 'succeeded' ? 'finished' : 'failed'}`;
}

/** What a screen reader hears when notices arrive: the newest by name, the rest counted. */
export function arrivalAnnouncement(arrived: readonly Pick<JobNotice, 'job'>[]): string {
  if (arrived.length === 0) return '';
  const [newest, ...rest] = arrived;
  return rest.length === 0 ? `${noticeTitle(newest)}.` : `${noticeTitle(newest)}, and ${rest.length} more finished ${rest.length === 1 ? 'job' : 'jobs'}.`;
}

/** The notices not seen before, newest first; `seen` is updated so each arrives once, however often the list is read. */
export function newArrivals<T extends { id: string }>(items: readonly T[], seen: Set<string>): T[] {
  const arrived = items.filter((item) => !seen.has(item.id));
  for (const item of arrived) seen.add(item.id);
  return arrived;
}
