import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useCurrentUser } from '../auth/useCurrentUser';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { formatDay, localDate } from './local-time';
import { useMarkNotificationRead, useNotifications } from './today-queries';

/** Reminders the platform sent about overdue tasks and not yet dismissed; nothing at all when there are none. */
export function RemindersCard() {
  const { district } = useCurrentUser();
  const notifications = useNotifications();
  const markRead = useMarkNotificationRead();
  // Digests are for families and finished-job notices have the header's list: this card is the overdue tasks.
  const unread = (notifications.data?.items ?? []).filter((notification) => (notification.kind === 'reminder' || notification.kind === 'escalation') && !notification.readAt);
  if (unread.length === 0 && !notifications.error) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="reminders-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="reminders-heading">
          Reminders
        </Title>
        <ApiErrorAlert error={notifications.error ?? markRead.error} />
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {unread.map((notification) => (
            <Group component="li" key={notification.id} justify="space-between" wrap="nowrap">
              <Text size="sm">
                {notification.taskKind === 'notes' ? 'Notes' : 'Attendance'} overdue
                {notification.dueAt && ` since ${formatDay(localDate(new Date(notification.dueAt), district.timeZone), { month: 'short', day: 'numeric' })}`}
              </Text>
              <Button size="xs" variant="default" loading={markRead.isPending && markRead.variables === notification.id} onClick={() => markRead.mutate(notification.id)}>
                Dismiss
              </Button>
            </Group>
          ))}
        </Stack>
      </Stack>
    </Paper>
  );
}
