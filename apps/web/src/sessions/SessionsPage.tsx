/* My sessions: the running one first, then this week's, each linking to its screen; the big plus starts a new one. */
import { Affix, Anchor, Badge, Button, Group, List, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { call, useApi } from '../api/useApi';
import { useCurrentUser } from '../auth/useCurrentUser';
import { addDays, localDate, mondayOf } from '../today/local-time';
import { sessionKeys, useServiceName } from './api';
import { SessionError } from './SessionError';
import { formatDay, formatTime } from './time';
import { ZoneNote } from '../ui/ZoneNote';

export function SessionsPage() {
  const api = useApi();
  const { me, district } = useCurrentUser();
  const from = mondayOf(localDate(new Date(), district.timeZone));
  const to = addDays(from, 6);
  const sessions = useQuery({
    queryKey: [...sessionKeys.all, 'range', me.userId, from, to],
    queryFn: async () => (await call(api.GET('/api/sessions', { params: { query: { providerId: me.userId, from, to, pageSize: 200 } } }))).items,
  });
  const serviceName = useServiceName();
  const list = (sessions.data ?? []).flatMap((s) => ('posted' in s ? [s] : []));
  const active = list.find((s) => s.state === 'active');
  return (
    <Stack maw={880} mx="auto" p={{ base: 0, sm: 'md' }} gap="md" pb={96}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          My sessions this week
        </Title>
        <Button component={Link} to="/post" variant="light">
          Post the week
        </Button>
      </Group>
      <ZoneNote timeZone={district.timeZone} />
      {active && (
        <Paper withBorder p="md">
          <Text fw={600}>Running now</Text>
          <Anchor component={Link} to={`/sessions/${active.id}`}>
            {active.description ?? active.group?.name ?? serviceName(active.service)}, started {formatTime(active.startedAt, district.timeZone)}
          </Anchor>
        </Paper>
      )}
      {sessions.isPending && <Loader aria-label="Loading sessions" />}
      <SessionError error={sessions.error} />
      {sessions.data && list.length === 0 && <Text>No session this week yet.</Text>}
      <List spacing="xs">
        {list.map((s) => (
          <List.Item key={s.id}>
            <Anchor component={Link} to={s.posted || s.state === 'ended' ? `/sessions/${s.id}/post` : `/sessions/${s.id}`}>
              {formatDay(s.sessionDate)} {formatTime(s.startedAt, district.timeZone)} · {s.description ?? s.group?.name ?? serviceName(s.service)}
            </Anchor>{' '}
            <Badge c="dark.8" size="sm" variant="light" color={s.posted ? 'green' : s.state === 'active' ? 'blue' : 'gray'}>
              {s.posted ? 'posted' : s.state === 'active' ? 'running' : s.state}
            </Badge>
          </List.Item>
        ))}
      </List>
      <Affix position={{ bottom: 24, right: 24 }} zIndex={150}>
        <Button component={Link} to="/sessions/new" size="lg" radius="xl" leftSection={<span aria-hidden>+</span>} style={{ boxShadow: '0 4px 12px rgba(0,0,0,.3)' }}>
          New session
        </Button>
      </Affix>
    </Stack>
  );
}
