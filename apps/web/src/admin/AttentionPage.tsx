/*
 * The admins' Needs Attention screen: sessions flagged for them (with who
 * flagged each, the provider's notes to admins and what blocks posting, in
 * the API's words), each cleared or its duration approved or changed here;
 * the overdue post-session tasks of their schools; and the escalations the
 * overdue tasks raised, each marked read here. Every list pages on its own,
 * its page kept in the address.
 */
import { ColumnHeads } from '../ui/ColumnHeads';
import { Anchor, Badge, Button, Group, List, Modal, type ModalProps, NumberInput, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { formatDateTimeIn, formatDay, formatTime } from '../today/local-time';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { ZoneNote } from '../ui/ZoneNote';
import {
  NOTIFICATIONS_PAGE_SIZE,
  QUEUE_PAGE_SIZE,
  TASKS_PAGE_SIZE,
  useAdminSchools,
  useClearFlag,
  useMarkRead,
  useNeedsAttention,
  useOverdueTasks,
  useServiceNames,
  useSessionAudit,
  useSessionTrail,
  useSetDuration,
  useStaffNames,
  useUnreadNotifications,
} from './api';
import { adminNotes, durationProblem, durationSettable, escalationsOf, latestFlagging, providerIds, sessionTitle, startingMinutes, TASK_LABELS, type Notification, type Session, type Task } from './attention';
import { pageCount, pageNumber } from './filters';
import { schoolName, stateLabel } from './labels';
import { NarrowFacts } from './parts';
import { Pager } from './Pager';
import { administers } from './roles';

/** A named close button and an opaque backdrop: the screen behind neither distracts nor counts as low-contrast text. */
const MODAL_PROPS = {
  closeButtonProps: { 'aria-label': 'Close the dialog' },
  overlayProps: { color: '#e9ecef', backgroundOpacity: 1 },
} satisfies Partial<ModalProps>;

function useSchoolNames(): Map<string, string> {
  const schools = useAdminSchools();
  return useMemo(() => new Map((schools.data ?? []).map((school) => [school.id, school.name])), [schools.data]);
}

/** One list's page in the address (`?page=`, `?tasksPage=`, …), leaving the other lists' pages as they are. */
function usePageParam(name: string): [number, (page: number) => void] {
  const [search, setSearch] = useSearchParams();
  const page = pageNumber(search.get(name));
  const setPage = (next: number) =>
    setSearch(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next > 1) updated.set(name, String(next));
        else updated.delete(name);
        return updated;
      },
      { preventScrollReset: true },
    );
  return [page, setPage];
}

export function AttentionPage() {
  const { district } = useCurrentUser();
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <div>
        <Title order={1}>Needs attention</Title>
        <Text>Sessions flagged for admins, and post-session tasks past due, at the schools you administer.</Text>
        <ZoneNote timeZone={district.timeZone} />
      </div>
      <FlaggedSessions />
      <OverdueTasks />
      <Escalations />
    </Stack>
  );
}

function FlaggedSessions() {
  const [page, setPage] = usePageParam('page');
  const queue = useNeedsAttention(page);
  const schools = useSchoolNames();
  const serviceName = useServiceNames();
  const total = queue.data?.total ?? 0;
  return (
    <Stack component="section" aria-labelledby="flagged-heading" gap="sm">
      <Group gap="xs">
        <Title order={2} id="flagged-heading">
          Flagged sessions
        </Title>
        {queue.data && (
          <Badge variant="light" color={total ? 'red' : 'gray'} c="dark.8" data-testid="flagged-count">
            {total}
          </Badge>
        )}
      </Group>
      <ApiErrorAlert error={queue.error} title="The Needs Attention queue could not be loaded" />
      {queue.isPending ? (
        <Loading what="flagged sessions" height={120} />
      ) : queue.data && queue.data.items.length === 0 ? (
        <Text>No session is flagged for attention.</Text>
      ) : queue.data ? (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-busy={queue.isFetching}>
          {queue.data.items.map((session) => (
            <FlaggedItem key={session.id} session={session} school={schoolName(schools, session.schoolId)} title={sessionTitle(session, serviceName)} />
          ))}
        </Stack>
      ) : null}
      <Pager label="Pages of flagged sessions" page={page} pages={pageCount(total, QUEUE_PAGE_SIZE)} onPage={setPage} />
    </Stack>
  );
}

function FlaggedItem({ session, school, title }: { session: Session; school: string; title: string }) {
  const { district } = useCurrentUser();
  const trail = useSessionTrail(session.id);
  // Posted sessions change only by amendment: what blocked posting no longer matters.
  const audit = useSessionAudit(session.id, !session.posted);
  const clear = useClearFlag();
  const flagging = trail.data ? latestFlagging(trail.data) : null;
  const notes = adminNotes(session);
  const waitingDuration = durationProblem(audit.data);
  const otherProblems = (audit.data?.problems ?? []).filter((problem) => problem.code !== 'SESSION.DURATION_OUT_OF_RANGE');
  const headingId = `flagged-${session.id}`;

  return (
    <Paper component="li" withBorder p="md" aria-labelledby={headingId} data-testid="flagged-item">
      <Stack gap="xs">
        <Title order={3} size="h4" id={headingId}>
          <Anchor component={Link} to={`/sessions/${session.id}`} inherit>
            {title}
          </Anchor>
        </Title>
        <Group component="dl" gap="lg" m={0} wrap="wrap">
          <Fact label="Date" value={`${formatDay(session.sessionDate, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' })}, ${formatTime(session.startedAt, district.timeZone)}`} />
          <Fact label="Provider" value={session.providerName} />
          <Fact label="School" value={school} />
          <Fact label="State" value={stateLabel(session)} />
          {session.adjustedMinutes !== null && <Fact label="Duration" value={`${session.adjustedMinutes} min`} />}
        </Group>

        <div>
          <Text fw={700} size="sm">
            Why it is here
          </Text>
          <List size="sm" spacing={4} data-testid="flagged-reasons">
            <List.Item>
              {trail.isPending
                ? 'Looking up who flagged it…'
                : flagging
                  ? `Flagged by ${flagging.by}, ${formatDateTimeIn(flagging.at, district.timeZone)}`
                  : 'Flagged for attention (who flagged it is not in its trail).'}
            </List.Item>
            {notes.map((note) => (
              <List.Item key={note.participantId}>
                Note to admins about {note.name}: “{note.note}”
              </List.Item>
            ))}
            {waitingDuration && <List.Item data-testid="duration-waiting">Waiting for an admin: {waitingDuration}</List.Item>}
            {session.durationOverride && (
              <List.Item>
                Duration overridden to {session.durationOverride.minutes} min, {formatDateTimeIn(session.durationOverride.at, district.timeZone)}: “{session.durationOverride.reason}”
              </List.Item>
            )}
            {otherProblems.map((problem, i) => (
              <List.Item key={`${problem.code}-${i}`}>Blocks posting: {problem.message}</List.Item>
            ))}
          </List>
          <ApiErrorAlert error={trail.error} title="Who flagged it could not be looked up" />
          <ApiErrorAlert error={audit.error} title="What blocks posting could not be looked up" />
        </div>

        <Group gap="sm" wrap="wrap">
          <Button variant="default" loading={clear.isPending} onClick={() => clear.mutate(session)} aria-describedby={headingId} w={{ base: '100%', xs: 'auto' }}>
            Clear from the queue
          </Button>
          {durationSettable(session) && <DurationAction session={session} title={title} waiting={Boolean(waitingDuration)} />}
        </Group>
        <ApiErrorAlert error={clear.error} title="The session was not cleared" />
      </Stack>
    </Paper>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dark.6">
        {label}
      </Text>
      <Text component="dd" size="sm" fw={600} m={0} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );
}

/**
 * Approve the duration the session ran (an override the API keeps with the
 * reason) or set another; the API decides whether it is an override and
 * whether the reason is required.
 */
function DurationAction({ session, title, waiting }: { session: Session; title: string; waiting: boolean }) {
  const [opened, { open, close }] = useDisclosure(false);
  const setDuration = useSetDuration();
  const [minutes, setMinutes] = useState<number | string>('');
  const [reason, setReason] = useState('');
  const errors = fieldErrors(setDuration.error);

  const openDialog = () => {
    setDuration.reset();
    setMinutes(startingMinutes(session) ?? '');
    setReason('');
    open();
  };
  const save = () =>
    // A blank reason is left out rather than sent empty: the API then says why one is needed, instead of its length rule.
    setDuration.mutate({ id: session.id, version: session.version, minutes: Number(minutes), reason: reason.trim() || undefined }, { onSuccess: close });

  return (
    <>
      <Button color={waiting ? 'blue.8' : undefined} variant={waiting ? 'filled' : 'default'} onClick={openDialog} w={{ base: '100%', xs: 'auto' }}>
        {waiting ? 'Approve or change the duration' : 'Change the duration'}
      </Button>
      <Modal opened={opened} onClose={close} title={`Duration of ${title}`} centered {...MODAL_PROPS}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              Keep the minutes to approve the duration as run, or change them. Outside the provider’s range the duration is an override, kept on the session with your reason.
            </Text>
            <NumberInput label="Minutes" value={minutes} onChange={setMinutes} min={5} max={1440} step={5} allowDecimal={false} required error={errors.minutes} />
            <Textarea label="Reason" description="Required for an override; kept on the session and in its history" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={500} error={errors.reason} />
            <ApiErrorAlert error={setDuration.error} title="The duration was not saved" fieldsShownInForm={['minutes', 'reason']} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={setDuration.isPending}>
                Save the duration
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function OverdueTasks() {
  const { district } = useCurrentUser();
  const [page, setPage] = usePageParam('tasksPage');
  const tasks = useOverdueTasks(page);
  const schools = useSchoolNames();
  const items = tasks.data?.items ?? [];
  const names = useStaffNames(providerIds(items));
  const total = tasks.data?.total ?? 0;
  return (
    <Stack component="section" aria-labelledby="tasks-heading" gap="sm">
      <Group gap="xs">
        <Title order={2} id="tasks-heading">
          Overdue tasks
        </Title>
        {tasks.data && (
          <Badge variant="light" color={total ? 'red' : 'gray'} c="dark.8" data-testid="overdue-count">
            {total}
          </Badge>
        )}
      </Group>
      <Text size="sm">Each provider is reminded when a task falls due. Open the session to record what is missing.</Text>
      <ApiErrorAlert error={tasks.error} title="The overdue tasks could not be loaded" />
      {tasks.isPending ? (
        <Loading what="overdue tasks" height={120} />
      ) : tasks.data && items.length === 0 ? (
        <Text>No post-session task is overdue.</Text>
      ) : tasks.data ? (
        <Table verticalSpacing="xs" striped aria-busy={tasks.isFetching} data-testid="overdue-tasks">
          <Table.Caption>Overdue post-session tasks, the oldest due first</Table.Caption>
          <ColumnHeads columns={[{ label: 'Task' }, { label: 'Provider', wideOnly: true }, { label: 'School', wideOnly: true }, { label: 'Due', wideOnly: true }]} />
          <Table.Tbody>
            {items.map((task) => (
              <TaskRow key={task.id} task={task} provider={names.get(task.providerId) ?? 'Not known'} school={schoolName(schools, task.schoolId)} timeZone={district.timeZone} />
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Pager label="Pages of overdue tasks" page={page} pages={pageCount(total, TASKS_PAGE_SIZE)} onPage={setPage} />
    </Stack>
  );
}

function TaskRow({ task, provider, school, timeZone }: { task: Task; provider: string; school: string; timeZone: string }) {
  return (
    <Table.Tr data-testid="overdue-task">
      <Table.Th scope="row" fw={400}>
        <Anchor component={Link} to={`/sessions/${task.sessionId}`} fw={600}>
          {TASK_LABELS[task.kind]}
        </Anchor>
        <Text size="sm">Session of {formatDay(task.sessionDate, { weekday: 'short', month: 'short', day: 'numeric' })}</Text>
        <NarrowFacts facts={[provider, school, `Due ${formatDateTimeIn(task.dueAt, timeZone)}`]} />
      </Table.Th>
      <Table.Td visibleFrom="sm">{provider}</Table.Td>
      <Table.Td visibleFrom="sm">{school}</Table.Td>
      <Table.Td visibleFrom="sm">{formatDateTimeIn(task.dueAt, timeZone)}</Table.Td>
    </Table.Tr>
  );
}

function Escalations() {
  const { me, district } = useCurrentUser();
  const [page, setPage] = usePageParam('escalationsPage');
  const notifications = useUnreadNotifications(page, administers(me.roles));
  const schools = useSchoolNames();
  const escalations = escalationsOf(notifications.data?.items ?? []);
  const names = useStaffNames(providerIds(escalations));
  const markRead = useMarkRead();
  if (!administers(me.roles)) return null;
  return (
    <Stack component="section" aria-labelledby="escalations-heading" gap="sm">
      <Title order={2} id="escalations-heading">
        Escalations
      </Title>
      <Text size="sm">A task still open a while after it fell due is escalated to its school’s admins. Mark one read once it is dealt with: it is then read for every admin who sees it.</Text>
      <ApiErrorAlert error={notifications.error} title="The escalations could not be loaded" />
      <ApiErrorAlert error={markRead.error} title="The escalation was not marked read" />
      {notifications.isPending ? (
        <Loading what="escalations" height={80} />
      ) : notifications.data && escalations.length === 0 ? (
        <Text>No unread escalation{page > 1 ? ' on this page' : ''}.</Text>
      ) : notifications.data ? (
        <Table verticalSpacing="xs" striped aria-busy={notifications.isFetching}>
          <Table.Caption>Unread escalations, the newest first</Table.Caption>
          <ColumnHeads columns={[{ label: 'Task' }, { label: 'Provider', wideOnly: true }, { label: 'School', wideOnly: true }, { label: 'Action', hiddenLabel: true }]} />
          <Table.Tbody>
            {escalations.map((escalation) => (
              <EscalationRow
                key={escalation.id}
                escalation={escalation}
                provider={(escalation.providerId && names.get(escalation.providerId)) ?? 'Not known'}
                school={schoolName(schools, escalation.recipientSchoolId)}
                timeZone={district.timeZone}
                marking={markRead.isPending && markRead.variables === escalation.id}
                onRead={() => markRead.mutate(escalation.id)}
              />
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Pager label="Pages of escalations" page={page} pages={pageCount(notifications.data?.total ?? 0, NOTIFICATIONS_PAGE_SIZE)} onPage={setPage} />
    </Stack>
  );
}

function EscalationRow(props: { escalation: Notification; provider: string; school: string; timeZone: string; marking: boolean; onRead: () => void }) {
  const { escalation, provider, school, timeZone } = props;
  const task = escalation.taskKind ? TASK_LABELS[escalation.taskKind] : 'Post-session task';
  return (
    <Table.Tr data-testid="escalation">
      <Table.Th scope="row" fw={400}>
        {escalation.sessionId ? (
          <Anchor component={Link} to={`/sessions/${escalation.sessionId}`} fw={600}>
            {task}
          </Anchor>
        ) : (
          <Text fw={600}>{task}</Text>
        )}
        <Text size="sm">
          {escalation.dueAt && `Due ${formatDateTimeIn(escalation.dueAt, timeZone)}; `}escalated {formatDateTimeIn(escalation.createdAt, timeZone)}
        </Text>
        <NarrowFacts facts={[provider, school]} />
      </Table.Th>
      <Table.Td visibleFrom="sm">{provider}</Table.Td>
      <Table.Td visibleFrom="sm">{school}</Table.Td>
      <Table.Td>
        <Button size="xs" variant="default" loading={props.marking} onClick={props.onRead} aria-label={`Mark read: ${task}, ${provider}`}>
          Mark read
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

