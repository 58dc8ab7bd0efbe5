/*
 * The header's list of finished jobs: a district admin who started a roster
 * import, an export or a batch of invitations learns here that it ended,
 * whichever screen they are on, and follows the notice to the job.
 */
import { ActionIcon, Anchor, Button, Group, Indicator, Popover, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { runsDistrict } from '../district-admin/roles';
import { formatDateTime } from '../sessions/time';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { useMarkNoticeRead, useUnreadJobNotices, type JobNotice } from './api';
import { arrivalAnnouncement, newArrivals, noticeTitle } from './describe';

const LINK_WORDS: Record<JobNotice['job']['kind'], string> = {
  'roster-import': 'Open the import',
  'state-export': 'Open the export',
  'district-export': 'Open the export',
  'invitation-batch': 'Open the import',
};

export function JobNoticesBell() {
  const { me } = useCurrentUser();
  // Only district admins start imports and exports.
  const startsJobs = runsDistrict(me.roles);
  const notices = useUnreadJobNotices(startsJobs);
  const [opened, setOpened] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef<Set<string> | null>(null);

  useEffect(() => {
    if (!notices.data) return;
    // Notices waiting at sign-in are counted on the badge, not read out; only those arriving afterwards are announced.
    if (!seen.current) {
      seen.current = new Set(notices.data.items.map((notice) => notice.id));
      return;
    }
    const arrived = newArrivals(notices.data.items, seen.current);
    if (arrived.length) setAnnouncement(arrivalAnnouncement(arrived));
  }, [notices.data]);

  if (!startsJobs) return null;
  const unread = notices.data?.total ?? 0;
  return (
    <>
      <VisuallyHidden role="status" aria-live="polite" aria-atomic="true" data-testid="job-notice-announcement">
        {announcement}
      </VisuallyHidden>
      <Indicator label={unread > 99 ? '99+' : unread} disabled={unread === 0} size={18} color="red.9" offset={4}>
        {/* The target is the button itself: Popover gives it aria-expanded and aria-controls. */}
        <Popover opened={opened} onChange={setOpened} position="bottom-end" width={320} shadow="md" withinPortal>
          <Popover.Target>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={unread ? `Finished jobs: ${unread} unread` : 'Finished jobs: none unread'}
              onClick={() => setOpened((open) => !open)}
              data-testid="job-notices-button"
            >
              <BellIcon />
            </ActionIcon>
          </Popover.Target>
          <Popover.Dropdown aria-label="Finished jobs" p="sm">
            <NoticeList notices={notices.data?.items ?? []} error={notices.error} onFollow={() => setOpened(false)} />
          </Popover.Dropdown>
        </Popover>
      </Indicator>
    </>
  );
}

function NoticeList({ notices, error, onFollow }: { notices: JobNotice[]; error: Error | null; onFollow: () => void }) {
  const { district } = useCurrentUser();
  const markRead = useMarkNoticeRead();
  return (
    <Stack gap="sm">
      <Text fw={700} size="sm">
        Finished jobs
      </Text>
      <ApiErrorAlert error={error ?? markRead.error} />
      {notices.length === 0 ? (
        <Text size="sm">Nothing new. When a roster import, an export or a batch of invitations you started ends, it is listed here.</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} data-testid="job-notice-list">
          {notices.map((notice) => (
            <Stack component="li" key={notice.id} gap={2} data-testid="job-notice">
              <Text size="sm" fw={600} c={notice.job.status === 'failed' ? 'red.9' : undefined}>
                {noticeTitle(notice)}
              </Text>
              <Text size="xs" c="dark.6">
                {formatDateTime(notice.job.finishedAt, district.timeZone)}
              </Text>
              <Group gap="sm" wrap="wrap">
                {notice.job.link && (
                  <Anchor
                    component={Link}
                    to={notice.job.link}
                    size="sm"
                    onClick={() => {
                      markRead.mutate(notice.id);
                      onFollow();
                    }}
                  >
                    {LINK_WORDS[notice.job.kind]}
                  </Anchor>
                )}
                <Button size="compact-xs" variant="default" loading={markRead.isPending && markRead.variables === notice.id} onClick={() => markRead.mutate(notice.id)}>
                  Dismiss
                </Button>
              </Group>
            </Stack>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function BellIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}
