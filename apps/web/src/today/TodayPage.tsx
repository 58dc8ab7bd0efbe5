import { Alert, Button, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { CalendarCard } from './CalendarCard';
import { CalendarFeedCard } from './CalendarFeedCard';
import { formatDay, localDate } from './local-time';
import { RemindersCard } from './RemindersCard';
import { TasksCard } from './TasksCard';

/** A provider's day: what is planned, what is running, what still needs attendance or notes. */
export function TodayPage() {
  const { me, district } = useCurrentUser();
  const today = localDate(new Date(), district.timeZone);
  const isProvider = me.roles.includes('provider');
  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1}>Today</Title>
          <Text>{formatDay(today)}</Text>
        </div>
        {isProvider && (
          <Button component={Link} to="/sessions/new" size="xl" w={{ base: '100%', xs: 'auto' }} leftSection={<span aria-hidden="true">+</span>}>
            New session
          </Button>
        )}
      </Group>
      {isProvider ? (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <CalendarCard today={today} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack>
              <TasksCard />
              <RemindersCard />
              <CalendarFeedCard />
            </Stack>
          </Grid.Col>
        </Grid>
      ) : (
        <Alert color="blue" variant="light" title="Today is for providers">
          This screen shows a provider’s sessions and tasks. Your account has no provider role.
        </Alert>
      )}
    </Stack>
  );
}
