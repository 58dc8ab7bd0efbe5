/*
 * Bulk post: sign once for every complete session of a range of days (this
 * week by default). The API posts what is complete and names, per session,
 * what the others lack; those are left as they were.
 */
import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, Group, List, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { call, useApi } from '../api/useApi';
import { idempotencyKey, sessionKeys, useServiceName, type BulkPostReply, type Signature } from '../sessions/api';
import { fieldErrors as fieldProblems } from '../ui/ApiErrorAlert';
import { SessionError } from '../sessions/SessionError';
import { useCurrentUser } from '../auth/useCurrentUser';
import { addDays, localDate, mondayOf } from '../today/local-time';
import { formatDay, formatTime } from '../sessions/time';
import { ZoneNote } from '../ui/ZoneNote';
import { useMe } from '../sessions/useMe';
import { SignatureFields, toSignature, type SignatureState } from './SignatureFields';

export function BulkPostPage() {
  const api = useApi();
  const me = useMe();
  const queryClient = useQueryClient();
  const { district } = useCurrentUser();
  // The district's week (sessions' days are the district's local days).
  const monday = mondayOf(localDate(new Date(), district.timeZone));
  const [from, setFrom] = useState(monday);
  const [to, setTo] = useState(() => addDays(monday, 6));
  const [signature, setSignature] = useState<SignatureState>({ secret: '', usePin: false });
  const [missing, setMissing] = useState(false);
  const sessions = useQuery({
    queryKey: [...sessionKeys.all, 'range', me?.userId, from, to],
    enabled: Boolean(me?.userId && from && to),
    queryFn: async () => (await call(api.GET('/api/sessions', { params: { query: { providerId: me?.userId, from, to, pageSize: 200 } } }))).items,
  });
  const bulk = useMutation<BulkPostReply, Error, { body: Signature & { from: string; to: string }; key: string }>({
    mutationFn: async ({ body, key }) => (await call(api.POST('/api/sessions/bulk-post', { body, headers: { 'Idempotency-Key': key } }))),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  });
  const fields = fieldProblems(bulk.error);
  const serviceName = useServiceName();
  const list = (sessions.data ?? []).filter((s) => 'state' in s);
  const unposted = list.filter((s) => 'posted' in s && !s.posted && s.state !== 'active');

  function submit(event: FormEvent) {
    event.preventDefault();
    const signed = toSignature(signature);
    setMissing(!signed);
    if (signed) bulk.mutate({ body: { ...signed, from, to }, key: idempotencyKey() });
  }

  return (
    <Stack maw={880} mx="auto" p={{ base: 0, sm: 'md' }} gap="md">
      <Title order={1} size="h2">
        Post the week
      </Title>
      <ZoneNote timeZone={district.timeZone} />
      <form onSubmit={submit} aria-label="Post every complete session of the days" noValidate>
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={fields.from} required />
            <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} error={fields.to} required />
          </SimpleGrid>
          <Paper withBorder p="md" component="section" aria-labelledby="range-heading">
            <Title order={2} size="h4" id="range-heading">
              Your sessions of these days ({list.length}, {unposted.length} not posted)
            </Title>
            {sessions.error && <SessionError error={sessions.error} />}
            <List spacing={4} mt="xs">
              {list.map((s) =>
                'posted' in s ? (
                  <List.Item key={s.id}>
                    <Anchor component={Link} to={`/sessions/${s.id}/post`}>
                      {formatDay(s.sessionDate)} {formatTime(s.startedAt, district.timeZone)} · {s.description ?? s.group?.name ?? serviceName(s.service)}
                    </Anchor>{' '}
                    <Badge c="dark.8" size="sm" variant="light" color={s.posted ? 'green' : s.state === 'active' ? 'blue' : 'gray'}>
                      {s.posted ? 'posted' : s.state === 'active' ? 'running' : s.state}
                    </Badge>
                  </List.Item>
                ) : null,
              )}
            </List>
          </Paper>
          <SignatureFields value={signature} onChange={setSignature} action="posting these sessions" error={missing ? 'Enter it to sign' : (fields.password ?? fields.pin)} />
          <SessionError error={bulk.error} />
          <Group>
            <Button type="submit" size="md" loading={bulk.isPending} h="auto" py="xs" styles={{ label: { whiteSpace: 'normal' } }}>
              Sign and post every complete session
            </Button>
          </Group>
          {/* Present from the start, so screen readers hear it change: working, then the outcome. */}
          <Text size="sm" role="status" aria-live="polite" data-testid="bulk-post-status">
            {bulk.isPending
              ? 'Signing and posting the sessions of these days… A full week can take a minute; stay on this screen.'
              : bulk.data
                ? `Done: posted ${bulk.data.posted.length}, left as they were ${bulk.data.incomplete.length}. Each session's result is listed below.`
                : ''}
          </Text>
        </Stack>
      </form>
      {bulk.data && <BulkResults reply={bulk.data} label={(id) => {
        const found = list.find((x) => x.id === id);
        return found && 'posted' in found ? `${formatDay(found.sessionDate)} ${formatTime(found.startedAt, district.timeZone)} · ${found.description ?? found.group?.name ?? serviceName(found.service)}` : 'Session';
      }} />}
    </Stack>
  );
}

function BulkResults({ reply, label }: { reply: BulkPostReply; label: (sessionId: string) => string }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="results-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="results-heading">
          Posted {reply.posted.length}, left as they were {reply.incomplete.length}
        </Title>
        <Table aria-label="Results per session">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Session</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reply.posted.map((p) => (
                <Table.Tr key={p.sessionId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/sessions/${p.sessionId}/post`}>
                      {label(p.sessionId)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge c="dark.8" color="green" variant="light">Posted, version {p.version}</Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
              {reply.incomplete.map((s) => (
                <Table.Tr key={s.sessionId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/sessions/${s.sessionId}/post`}>
                      {label(s.sessionId)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      Not posted:
                    </Text>
                    <List size="sm">
                      {s.problems.map((p) => (
                        <List.Item key={p.code + p.message}>{p.message}</List.Item>
                      ))}
                    </List>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        
      </Stack>
    </Paper>
  );
}
