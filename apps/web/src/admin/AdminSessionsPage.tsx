/*
 * Sessions of the admin's schools, filtered by school, provider, days and
 * state (the filters live in the address, so a filtered list reloads and
 * links as it is), newest first, a page at a time; each opens its session.
 */
import { ColumnHeads } from '../ui/ColumnHeads';
import { Alert, Anchor, Badge, Button, Checkbox, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { formatDay, formatTime } from '../today/local-time';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { ZoneNote } from '../ui/ZoneNote';
import { SESSIONS_PAGE_SIZE, useAdminSchools, useAdminSessions, useProviders, useServiceNames } from './api';
import { sessionTitle, type Session } from './attention';
import { changeFilter, NO_FILTERS, pageCount, rangeProblem, readFilters, SESSION_STATES, writeFilters, type SessionFilters, type SessionState } from './filters';
import { schoolName, stateLabel } from './labels';
import { NarrowFacts } from './parts';
import { Pager } from './Pager';
import { administers } from './roles';

const STATE_OPTIONS: { value: SessionState; label: string }[] = SESSION_STATES.map((value) => ({ value, label: { active: 'Running', ended: 'Ended', cancelled: 'Cancelled' }[value] }));

export function AdminSessionsPage() {
  const { me } = useCurrentUser();
  // The session list answers providers too (their own sessions), so this screen cannot leave the refusal to the API.
  if (!administers(me.roles)) {
    return (
      <Stack maw={1000} mx="auto" gap="md">
        <Title order={1}>Sessions of my schools</Title>
        <Alert color="gray" variant="light" role="alert" title="This screen is for district and school admins">
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
  return <SchoolSessions />;
}

function SchoolSessions() {
  const { district } = useCurrentUser();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => readFilters(search), [search]);
  const apply = (next: SessionFilters) => setSearch(writeFilters(next), { preventScrollReset: true });
  const change = (part: Partial<Omit<SessionFilters, 'page'>>) => apply(changeFilter(filters, part));
  const problem = rangeProblem(filters);

  const schools = useAdminSchools();
  const providers = useProviders(filters.schoolId);
  const sessions = useAdminSessions(filters, !problem);
  const serviceName = useServiceNames();
  const schoolNames = useMemo(() => new Map((schools.data ?? []).map((school) => [school.id, school.name])), [schools.data]);
  const schoolOptions = (schools.data ?? []).map((school) => ({ value: school.id, label: school.name }));
  const providerOptions = (providers.data ?? []).map((staff) => ({ value: staff.id, label: `${staff.firstName} ${staff.lastName}` }));
  // A provider named in the address but not among the options (another school's, or beyond the first page) stays chosen.
  if (filters.providerId && !providerOptions.some((option) => option.value === filters.providerId)) providerOptions.unshift({ value: filters.providerId, label: 'The chosen provider' });
  const total = sessions.data?.total ?? 0;
  const filtered = writeFilters({ ...filters, page: 1 }).size > 0;

  return (
    <Stack maw={1000} mx="auto" gap="md">
      <div>
        <Title order={1}>Sessions of my schools</Title>
        <Text>Every session at the schools you administer, newest first. Narrow them by school, provider, days and state.</Text>
        <ZoneNote timeZone={district.timeZone} />
      </div>

      <Paper withBorder p="md" component="form" role="search" aria-label="Filter sessions" onSubmit={(event) => event.preventDefault()}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
          <Select label="School" placeholder="All schools" data={schoolOptions} value={filters.schoolId} onChange={(schoolId) => change({ schoolId })} clearable searchable nothingFoundMessage="No school by that name" />
          <Select
            label="Provider"
            placeholder="All providers"
            data={providerOptions}
            value={filters.providerId}
            onChange={(providerId) => change({ providerId })}
            clearable
            searchable
            nothingFoundMessage="No provider by that name"
          />
          <Select label="State" placeholder="Any state" data={STATE_OPTIONS} value={filters.state} onChange={(state) => change({ state: state as SessionState | null })} clearable />
          <TextInput type="date" label="From" value={filters.from ?? ''} onChange={(e) => change({ from: e.currentTarget.value || null })} />
          <TextInput type="date" label="To" value={filters.to ?? ''} onChange={(e) => change({ to: e.currentTarget.value || null })} error={problem} />
          <Checkbox label="Flagged for attention only" checked={filters.flagged} onChange={(e) => change({ flagged: e.currentTarget.checked })} mt={{ base: 0, md: 'xl' }} />
        </SimpleGrid>
        {filtered && (
          <Button variant="subtle" mt="sm" onClick={() => apply(NO_FILTERS)}>
            Clear the filters
          </Button>
        )}
      </Paper>

      <ApiErrorAlert error={schools.error} title="The schools could not be loaded" />
      <ApiErrorAlert error={providers.error} title="The providers could not be loaded" />
      <ApiErrorAlert error={sessions.error} title="The sessions could not be loaded" />
      {problem ? null : sessions.isPending ? (
        <Loading what="sessions" height={200} />
      ) : sessions.data && sessions.data.items.length === 0 ? (
        <Text>No session matches these filters.</Text>
      ) : sessions.data ? (
        <Table striped highlightOnHover verticalSpacing="sm" aria-busy={sessions.isFetching} data-testid="admin-sessions">
          <Table.Caption>
            Page {filters.page} of {pageCount(total, SESSIONS_PAGE_SIZE)} · {total} {total === 1 ? 'session' : 'sessions'}
          </Table.Caption>
          <ColumnHeads columns={[{ label: 'Session' }, { label: 'Provider', wideOnly: true }, { label: 'School', wideOnly: true }, { label: 'State' }]} />
          <Table.Tbody>
            {sessions.data.items.flatMap((session) =>
              // Staff readers get the staff shape; the family shape has no provider or state to show.
              'state' in session ? [<SessionRow key={session.id} session={session} title={sessionTitle(session, serviceName)} school={schoolName(schoolNames, session.schoolId)} timeZone={district.timeZone} />] : [],
            )}
          </Table.Tbody>
        </Table>
      ) : null}
      <Pager label="Pages of sessions" page={filters.page} pages={pageCount(total, SESSIONS_PAGE_SIZE)} onPage={(page) => apply({ ...filters, page })} />
    </Stack>
  );
}

function SessionRow({ session, title, school, timeZone }: { session: Session; title: string; school: string; timeZone: string }) {
  return (
    <Table.Tr data-testid="admin-session-row">
      <Table.Th scope="row" fw={400}>
        <Anchor component={Link} to={`/sessions/${session.id}`} fw={600}>
          {formatDay(session.sessionDate, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' })}, {formatTime(session.startedAt, timeZone)}
        </Anchor>
        <Text size="sm">{title}</Text>
        <NarrowFacts facts={[session.providerName, school]} />
      </Table.Th>
      <Table.Td visibleFrom="sm">{session.providerName}</Table.Td>
      <Table.Td visibleFrom="sm">{school}</Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Text size="sm">{stateLabel(session)}</Text>
          {session.needsAttention && (
            <Badge variant="light" color="red" c="dark.8" miw="max-content">
              Flagged
            </Badge>
          )}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
