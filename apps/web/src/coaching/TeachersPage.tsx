/*
 * The teachers a coach has worked with, from their own coaching sessions:
 * how many sessions, how many minutes, the last day; each opens the
 * teacher's history.
 */
import { Alert, Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { NarrowFacts } from '../admin/parts';
import { useCurrentUser } from '../auth/useCurrentUser';
import { formatDay } from '../today/local-time';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { ColumnHeads } from '../ui/ColumnHeads';
import { Loading } from '../ui/Loading';
import { useCoachingHistory } from './api';
import { teachersOf } from './history';
import { coaches } from './roles';

const COLUMNS = [{ label: 'Teacher' }, { label: 'Sessions', numeric: true, wideOnly: true }, { label: 'Minutes', numeric: true, wideOnly: true }, { label: 'Last session', wideOnly: true }];

export function TeachersPage() {
  const { me } = useCurrentUser();
  if (!coaches(me)) return <ForCoachesOnly title="My teachers" />;
  return <Teachers providerId={me.userId} />;
}

/** The session list answers every provider their own sessions, so this screen says itself that it is not theirs. */
export function ForCoachesOnly({ title }: { title: string }) {
  return (
    <Stack maw={900} mx="auto" gap="md">
      <Title order={1}>{title}</Title>
      <Alert color="gray" variant="light" role="alert" title="This screen is for coaches">
        <Text size="sm">
          Your own sessions are under{' '}
          <Anchor component={Link} to="/sessions" c="blue.9">
            Sessions
          </Anchor>
          .
        </Text>
      </Alert>
    </Stack>
  );
}

export function dayLabel(day: string): string {
  return formatDay(day, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
}

function Teachers({ providerId }: { providerId: string }) {
  const history = useCoachingHistory(providerId);
  const teachers = teachersOf(history.data?.sessions ?? []);
  return (
    <Stack maw={900} mx="auto" gap="md">
      <div>
        <Title order={1}>My teachers</Title>
        <Text>The teachers you have coached, from your coaching sessions. Open one for their sessions and coaching logs.</Text>
      </div>
      {history.isPending && <Loading what="your teachers" height={160} />}
      <ApiErrorAlert error={history.error} title="Your coaching sessions could not be loaded" />
      {history.data?.truncated && (
        <Alert color="yellow" variant="light" title="Only your most recent sessions">
          <Text size="sm">You have more sessions than this screen reads at once: the oldest are not counted.</Text>
        </Alert>
      )}
      {history.data && teachers.length === 0 && (
        <Text>
          No coaching session yet.{' '}
          <Anchor component={Link} to="/sessions/new" c="blue.9">
            Start a session
          </Anchor>{' '}
          and your teachers will be listed here.
        </Text>
      )}
      {teachers.length > 0 && (
        <Table striped highlightOnHover aria-label="Teachers you have coached">
          <ColumnHeads columns={COLUMNS} />
          <Table.Tbody>
            {teachers.map((t) => (
              <Table.Tr key={t.staffId} data-testid="coached-teacher">
                <Table.Td>
                  <Anchor component={Link} to={`/coaching/teachers/${t.staffId}`} fw={600} c="blue.9">
                    {t.name}
                  </Anchor>
                  <NarrowFacts facts={[`${t.sessions} ${t.sessions === 1 ? 'session' : 'sessions'}`, `${t.minutes} min`, `last ${dayLabel(t.lastDay)}`]} />
                </Table.Td>
                <Table.Td ta="right" visibleFrom="sm">
                  {t.sessions}
                </Table.Td>
                <Table.Td ta="right" visibleFrom="sm">
                  {t.minutes}
                </Table.Td>
                <Table.Td visibleFrom="sm">{dayLabel(t.lastDay)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
