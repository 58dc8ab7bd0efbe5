/*
 * One teacher's coaching with this coach: each session newest first with
 * its day, minutes, state, categories and every coaching log value; and
 * "Start a coaching session" with them now, in one tap when a single work
 * order (or none) fits.
 */
import { Alert, Anchor, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { localDate } from '../today/local-time';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { ZoneNote } from '../ui/ZoneNote';
import { useCatalog, useMyWorkOrders, type WorkOrder } from '../sessions/api';
import { SessionError } from '../sessions/SessionError';
import { formatTime, nowToTheMinute } from '../sessions/time';
import { useCoachingHistory, useCoachingService, useStartCoaching } from './api';
import { categoriesOf, logEntries, sessionMinutes, sessionsWithTeacher, teachersOf, type CoachingField, type CoachingSession } from './history';
import { coaches } from './roles';
import { dayLabel, ForCoachesOnly } from './TeachersPage';

export function TeacherPage() {
  const { me } = useCurrentUser();
  const { staffId = '' } = useParams();
  if (!coaches(me)) return <ForCoachesOnly title="Teacher" />;
  return <TeacherHistory providerId={me.userId} staffId={staffId} />;
}

function TeacherHistory({ providerId, staffId }: { providerId: string; staffId: string }) {
  const { district } = useCurrentUser();
  const history = useCoachingHistory(providerId);
  const catalog = useCatalog();
  const fields = catalog.data?.coachingFields ?? [];
  const sessions = sessionsWithTeacher(history.data?.sessions ?? [], staffId);
  const teacher = teachersOf(sessions).find((t) => t.staffId === staffId);
  const backLink = (
    <Anchor component={Link} to="/coaching/teachers" c="blue.9">
      All my teachers
    </Anchor>
  );

  if (history.isPending) return <Loading what="the teacher's sessions" height={200} />;
  if (!teacher) {
    return (
      <Stack maw={900} mx="auto" gap="md">
        <Title order={1}>Teacher</Title>
        <ApiErrorAlert error={history.error} title="Your coaching sessions could not be loaded" />
        {!history.error && <Text>You have no coaching session with this teacher.</Text>}
        {backLink}
      </Stack>
    );
  }
  return (
    <Stack maw={900} mx="auto" gap="md">
      <div>
        {backLink}
        <Title order={1}>{teacher.name}</Title>
        <Text>
          {teacher.sessions} coaching {teacher.sessions === 1 ? 'session' : 'sessions'} with you, {teacher.minutes} minutes in all.
        </Text>
        <ZoneNote timeZone={district.timeZone} />
      </div>
      <StartWithTeacher staffId={staffId} name={teacher.name} schoolId={sessions[0].schoolId} />
      {history.data?.truncated && <Text size="sm">Only your most recent sessions are read: older ones with {teacher.name} may be missing.</Text>}
      <Title order={2} size="h3">
        Sessions
      </Title>
      <Stack gap="sm" role="list" aria-label={`Coaching sessions with ${teacher.name}`}>
        {sessions.map((s) => (
          <SessionCard key={s.id} session={s} fields={fields} timeZone={district.timeZone} />
        ))}
      </Stack>
    </Stack>
  );
}

function stateBadge(session: CoachingSession): { label: string; color: string } {
  if (session.posted) return { label: 'Posted', color: 'green' };
  if (session.state === 'active') return { label: 'Running', color: 'blue' };
  if (session.state === 'cancelled') return { label: 'Cancelled', color: 'red' };
  return { label: 'Ended, not posted', color: 'gray' };
}

function SessionCard({ session, fields, timeZone }: { session: CoachingSession; fields: readonly CoachingField[]; timeZone: string }) {
  const minutes = sessionMinutes(session);
  const state = stateBadge(session);
  const categories = categoriesOf(session.coachingLog, fields);
  const entries = logEntries(session.coachingLog, fields);
  const headingId = `coaching-session-${session.id}`;
  return (
    <Paper withBorder p="md" role="listitem" aria-labelledby={headingId} data-testid="coaching-session">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={3} size="h5" id={headingId}>
            <Anchor component={Link} to={session.state === 'active' ? `/sessions/${session.id}` : `/sessions/${session.id}/post`} c="blue.9">
              {dayLabel(session.sessionDate)}, {formatTime(session.startedAt, timeZone)}
            </Anchor>
          </Title>
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {minutes === null ? 'No duration yet' : `${minutes} min`}
            </Text>
            <Badge c="dark.8" variant="light" color={state.color} styles={{ label: { textTransform: 'none' } }}>
              {state.label}
            </Badge>
          </Group>
        </Group>
        {categories.length > 0 && (
          <Group gap={6} aria-label="Categories" role="group">
            {categories.map((c) => (
              <Badge key={c} c="dark.8" color="blue" variant="outline" styles={{ label: { textTransform: 'none' } }}>
                {c}
              </Badge>
            ))}
          </Group>
        )}
        {entries.length === 0 ? (
          <Text size="sm">No coaching log yet.</Text>
        ) : (
          <SimpleGrid component="dl" cols={{ base: 1, sm: 2 }} spacing={4} verticalSpacing={4} m={0} data-testid="coaching-log-values">
            {entries.map((e) => (
              <div key={e.label} style={{ minWidth: 0 }}>
                <Text component="dt" size="sm" fw={700}>
                  {e.label}
                </Text>
                <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-line' }}>
                  {e.value}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}

const TIME_TRACKING = 'time-tracking';

/**
 * The session starts now at the school of the last session with this
 * teacher, on the coach's lone work order there (or time tracking only when
 * none covers today); several work orders ask which.
 */
function StartWithTeacher({ staffId, name, schoolId }: { staffId: string; name: string; schoolId: string }) {
  const { me, district } = useCurrentUser();
  const service = useCoachingService();
  const start = useStartCoaching();
  const today = localDate(new Date(), district.timeZone);
  const workOrders = useMyWorkOrders(me.userId, today);
  const here = (workOrders.data ?? []).filter((w: WorkOrder) => w.schoolId === schoolId);
  const [choice, setChoice] = useState<string | null>(null);
  const workOrderId = here.length === 1 ? here[0].id : choice;
  const ready = Boolean(service) && !workOrders.isPending && (here.length <= 1 || choice !== null);
  const atSchool = me.schoolIds.includes(schoolId);

  function begin() {
    if (!service || !ready) return;
    start.mutate({
      service,
      staffId,
      startedAt: nowToTheMinute().toISOString(),
      ...(me.schoolIds.length > 1 ? { schoolId } : {}),
      ...(workOrderId && workOrderId !== TIME_TRACKING ? { workOrderId } : {}),
    });
  }
  if (!atSchool) return <Alert color="gray" variant="light" title="Not at your schools now">You are no longer approved at the school of your sessions with {name}.</Alert>;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        {here.length > 1 && (
          <Select
            label="Work order"
            placeholder="Choose the work order"
            data={[...here.map((w) => ({ value: w.id, label: `${w.typeName}${w.description ? `: ${w.description}` : ''}` })), { value: TIME_TRACKING, label: 'No work order: time tracking only' }]}
            value={choice}
            onChange={setChoice}
            maw={420}
          />
        )}
        <Group gap="sm" wrap="wrap">
          <Button size="md" onClick={begin} loading={start.isPending} disabled={!ready} h="auto" mih={42} py={8} w={{ base: '100%', xs: 'auto' }} styles={{ label: { whiteSpace: 'normal', textAlign: 'center' } }}>
            Start a coaching session with {name}
          </Button>
          <Text size="sm">
            Starts now,{' '}
            {here.length === 1 ? `on your ${here[0].typeName} work order` : here.length === 0 ? 'time tracking only (no work order covers today)' : 'on the work order chosen'}; the coaching log is on the session.
          </Text>
        </Group>
        <ApiErrorAlert error={workOrders.error} title="Your work orders could not be loaded" />
        <SessionError error={start.error} />
      </Stack>
    </Paper>
  );
}
