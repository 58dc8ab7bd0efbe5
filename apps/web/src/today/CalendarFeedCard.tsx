import { Button, CopyButton, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { useRotateCalendarFeed } from './today-queries';

/**
 * The iCalendar feed for the provider's own calendar app. The API shows a
 * feed's URL once (it keeps only a hash of the secret), so the link is made
 * here on request, and making one stops the previous link.
 */
export function CalendarFeedCard() {
  const feed = useRotateCalendarFeed();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="feed-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="feed-heading">
          Calendar feed
        </Title>
        <Text size="sm">Subscribe to your schedule in Google Calendar, Outlook or Apple Calendar. The feed shows service, school and number of students; never names.</Text>
        <ApiErrorAlert error={feed.error} title="The feed link could not be made" />
        {feed.data ? (
          <Stack gap="xs">
            <TextInput label="Your feed link" readOnly value={feed.data.url} onFocus={(event) => event.currentTarget.select()} />
            <Group>
              <CopyButton value={feed.data.url}>
                {({ copied, copy }) => (
                  <Button onClick={copy} color={copied ? 'green' : undefined} aria-live="polite">
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" c="dimmed">
              Keep it private: anyone with the link sees your schedule. It is shown only now.
            </Text>
          </Stack>
        ) : (
          <Button variant="default" onClick={() => feed.mutate()} loading={feed.isPending}>
            Get a feed link
          </Button>
        )}
        <Text size="xs" c="dimmed">
          Getting a new link stops any link you made before.
        </Text>
      </Stack>
    </Paper>
  );
}
