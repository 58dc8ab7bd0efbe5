/*
 * A session, running or ended: the header (work order, start, end), the
 * students, the live "will this be paid?", notes, end, duration, tags once
 * ended, the coaching log for coaching sessions. Every write answers the
 * session as the server now has it, and the screen shows that.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useIsMutating } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  idempotencyKey,
  useCatalog,
  useSchools,
  useSession,
  useParticipantsBatch,
  usePreviousSession,
  useSessionActions,
  type Catalog,
  type Participant,
  type ParticipantChanges,
  type SessionView,
  type StudentHit,
} from './api';
import { useKeptWrites } from '../offline/KeptWritesContext';
import { OfflineStatus } from '../offline/OfflineStatus';
import { withKeptWrites } from '../offline/outbox';
import { AuditPanel } from './AuditPanel';
import { EncounterDialog, type EncounterSave } from './EncounterDialog';
import { LastQualifiersSuggestion, type QualifierWrite } from './LastQualifiersSuggestion';
import { NotesSection } from './NotesSection';
import { ParticipantsSection } from './ParticipantsSection';
import { SessionError } from './SessionError';
import {
  CoachingLogSection,
  DeleteSection,
  DetailsSection,
  DurationSection,
  EndSection,
  TagsSection,
  useLatestSession,
  WorkOrderSection,
} from './SessionSections';
import { StudentSearchDialog } from './StudentSearchDialog';
import { TeacherPicker, type TeacherChoice } from '../coaching/TeacherPicker';
import { formatDateTime, formatDay, formatTime, nowToTheMinute, useDistrictTimeZone } from './time';
import { ZoneNote } from '../ui/ZoneNote';
import { READABLE_ALERT } from './modalProps';
import { sameQualifiers } from './labels';

export function SessionPage() {
  const { id = '' } = useParams();
  const session = useSession(id);
  const catalog = useCatalog();
  const kept = useKeptWrites();
  const waiting = useMemo(() => kept.pendingFor(id), [kept, id]);
  // The server's copy with the changes still on this device laid over it, in the order they were made.
  const shown = useMemo(() => (session.data ? withKeptWrites(session.data, waiting) : undefined), [session.data, waiting]);
  useScrollToHash(Boolean(session.data));
  if (session.isPending) return <Loader m="xl" aria-label="Loading the session" />;
  if (session.error) {
    return (
      <Stack p="md" maw={720} mx="auto">
        <Title order={1}>Session</Title>
        <SessionError error={session.error} />
        <Anchor component={Link} to="/today">
          Back to today
        </Anchor>
      </Stack>
    );
  }
  return <SessionScreen session={shown ?? session.data} catalog={catalog.data} waitingToSend={waiting.length > 0} />;
}

/** Audit links land on `#section`: scroll there and move the focus, so a keyboard user lands there too. */
function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash) return;
    // After the shell has moved the focus to the new screen's top (it does so on every new path).
    const timer = setTimeout(() => {
      const target = document.getElementById(decodeURIComponent(hash.slice(1)));
      if (!target) return;
      target.scrollIntoView({ block: 'start' });
      target.focus({ preventScroll: true });
    }, 50);
    return () => clearTimeout(timer);
  }, [hash, ready]);
}

function SessionScreen({ session, catalog, waitingToSend }: { session: SessionView; catalog: Catalog | undefined; waitingToSend: boolean }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const actions = useSessionActions(session.id);
  const { online } = useKeptWrites();
  const busy = useIsMutating() > 0;
  const editable = !session.posted && session.state !== 'cancelled';
  const timeZone = useDistrictTimeZone();
  const service = catalog?.services.find((s) => s.code === session.service);
  const [searching, setSearching] = useState(false);
  const [hints, setHints] = useState<Record<string, string[]>>({});
  const [savingNote, setSavingNote] = useState<string | null>(null);
  const encounterId = params.get('encounter');
  const encounter = session.participants.find((p) => p.id === encounterId);
  const openEncounter = (p: Participant | null) =>
    setParams(
      (old) => {
        const next = new URLSearchParams(old);
        if (p) next.set('encounter', p.id);
        else next.delete('encounter');
        return next;
      },
      { replace: !p },
    );

  const latest = useLatestSession(session.id);
  // Several students at once: the PATCHes in parallel, the audit read once at the end.
  const batch = useParticipantsBatch(session.id);
  const lastForEncounter = usePreviousSession(session, encounter?.personId, Boolean(encounter) && encounter?.kind === 'student' && editable);
  const encounterLast = lastForEncounter.data?.participants.find((x) => x.personId === encounter?.personId);
  function present(participants: Participant[]) {
    batch.mutate(participants.map((p) => ({ participantId: p.id, changes: { present: true } })));
  }
  function applyQualifiers(writes: QualifierWrite[]) {
    batch.mutate(writes);
  }
  async function saveEncounter(p: Participant, save: EncounterSave) {
    const q = save.changes.qualifiers;
    // Everyone else present whose qualifiers differ (the same ones are not rewritten).
    const others = save.qualifiersForAll && q ? (latest() ?? session).participants.filter((x) => x.id !== p.id && x.present !== false && !sameQualifiers(x.qualifiers, q)) : [];
    const done = await batch
      .mutateAsync([{ participantId: p.id, changes: save.changes }, ...others.map((x) => ({ participantId: x.id, changes: { qualifiers: q } }))])
      .then(() => true)
      .catch(() => false);
    if (done) openEncounter(null);
  }
  async function saveNote(p: Participant, changes: ParticipantChanges) {
    setSavingNote(p.id);
    const current = latest()?.participants.find((x) => x.id === p.id) ?? p;
    const reply = await actions.updateParticipant.mutateAsync({ participantId: p.id, version: current.version, changes }).catch(() => null);
    setSavingNote(null);
    if (reply && changes.studentNote !== undefined) setHints((old) => ({ ...old, [p.id]: (reply.noteHints ?? []).filter((h) => h.participantId === p.id).map((h) => h.message) }));
  }
  async function addTeacher(teacher: TeacherChoice) {
    const added = await actions.addParticipant.mutateAsync({ staffId: teacher.staffId, key: idempotencyKey() }).catch(() => null);
    const p = added?.participants.find((x) => x.personId === teacher.staffId);
    // A coaching conversation is had with the teacher there: present from the start, no further tap.
    if (p && p.present === null) await actions.updateParticipant.mutateAsync({ participantId: p.id, version: p.version, changes: { present: true } }).catch(() => null);
  }
  async function addStudent(student: StudentHit) {
    const added = await actions.addParticipant.mutateAsync({ studentId: student.id, key: idempotencyKey() }).catch(() => null);
    if (!added) return;
    const p = added.participants.find((x) => x.personId === student.id);
    if (!p) return;
    // Found and added means here: present from the start, then the encounter dialog (the seeds' flow).
    const marked = await actions.updateParticipant.mutateAsync({ participantId: p.id, version: p.version, changes: { present: true } }).catch(() => null);
    setSearching(false);
    openEncounter(marked?.participants.find((x) => x.id === p.id) ?? p);
  }

  return (
    <Stack maw={960} mx="auto" p={{ base: 0, sm: 'md' }} gap="md" pb={96}>
      <SessionHeader session={session} catalog={catalog} />
      <OfflineStatus sessionId={session.id} />
      {session.posted && (
        <Alert styles={READABLE_ALERT} color="green" title={`Posted (version ${session.posted.version}) ${formatDateTime(session.posted.at, timeZone)}`}>
          A posted session changes only by an amendment.{' '}
          <Anchor component={Link} to={`/sessions/${session.id}/post`}>
            Amendments and version history
          </Anchor>
        </Alert>
      )}
      {actions.updateParticipant.error && !encounter && <SessionError error={actions.updateParticipant.error} />}
      {batch.error && !encounter && <SessionError error={batch.error} />}
      {actions.removeParticipant.error && <SessionError error={actions.removeParticipant.error} />}
      <ParticipantsSection
        session={session}
        timeZone={timeZone}
        editable={editable}
        busy={busy}
        onPresent={present}
        onTimeOut={(p) => void actions.updateParticipant.mutate({ participantId: p.id, version: p.version, changes: { timeOut: nowToTheMinute().toISOString() } })}
        onOpen={openEncounter}
        onRemove={(p) => {
          if (window.confirm(`Remove ${p.name} from this session?`)) actions.removeParticipant.mutate(p.id);
        }}
        onAdd={() => {
          actions.addParticipant.reset();
          setSearching(true);
        }}
      />
      {editable && session.participantKind === 'staff' && (
        <TeacherPicker session={session} adding={actions.addParticipant.isPending || actions.updateParticipant.isPending} onAdd={(t) => void addTeacher(t)} />
      )}
      {actions.addParticipant.error && !searching && <SessionError error={actions.addParticipant.error} />}
      {editable && session.participantKind === 'student' && <LastQualifiersSuggestion session={session} busy={batch.isPending} onApply={applyQualifiers} />}
      {/* The audit is the server's word on what it has: not shown while changes wait on this device. */}
      {!session.posted && !waitingToSend && online && <AuditPanel sessionId={session.id} />}
      {/* A coaching session takes no student or parent note: what is said is in its coaching log. */}
      {session.participantKind === 'student' && <NotesSection session={session} template={session.noteTemplate ?? service?.noteTemplate} editable={editable} hints={hints} savingId={savingNote} onSave={(p, c) => void saveNote(p, c)} />}
      {session.participantKind === 'staff' && (
        <CoachingLogSection session={session} catalog={catalog} editable={editable} busy={busy} onEnded={(toPost) => toPost && navigate(`/sessions/${session.id}/post`)} />
      )}
      <DetailsSection session={session} catalog={catalog} editable={editable} />
      {session.state === 'active' && editable && (
        <EndSection session={session} busy={busy} onEnded={(toPost) => toPost && navigate(`/sessions/${session.id}/post`)} />
      )}
      {session.state === 'ended' && (
        <>
          <DurationSection session={session} editable={editable} />
          <TagsSection session={session} catalog={catalog} editable={editable} />
          {!session.posted && !waitingToSend && (
            <Group>
              <Button component={Link} to={`/sessions/${session.id}/post`} size="md">
                Review and post
              </Button>
            </Group>
          )}
        </>
      )}
      {!session.workOrder && editable && session.state !== 'active' && <WorkOrderSection session={session} />}
      {session.state === 'active' && editable && <DeleteSection session={session} />}
      {searching && (
        <StudentSearchDialog
          alreadyIn={new Set(session.participants.map((p) => p.personId))}
          adding={actions.addParticipant.isPending || actions.updateParticipant.isPending}
          error={actions.addParticipant.error}
          onPick={(s) => void addStudent(s)}
          onClose={() => setSearching(false)}
        />
      )}
      {encounter && (
        <EncounterDialog
          key={encounter.id}
          timeZone={timeZone}
          session={session}
          participant={encounter}
          catalog={catalog}
          saving={batch.isPending}
          error={batch.error ?? actions.updateParticipant.error}
          last={encounterLast && lastForEncounter.data ? { qualifiers: encounterLast.qualifiers, when: formatDay(lastForEncounter.data.sessionDate) } : null}
          onSave={(save) => void saveEncounter(encounter, save)}
          onClose={() => {
            actions.updateParticipant.reset();
            batch.reset();
            openEncounter(null);
          }}
        />
      )}
    </Stack>
  );
}

export function workOrderLabel(type: string): string {
  const names: Record<string, string> = {
    career_ladder: 'Career Ladder',
    homebound: 'Homebound',
    detention: 'Detention',
    credit_recovery: 'Credit Recovery',
    tutoring: 'Tutoring',
    club: 'Club',
  };
  return names[type] ?? type.replace(/_/g, ' ');
}

function SessionHeader({ session, catalog }: { session: SessionView; catalog: Catalog | undefined }) {
  const schools = useSchools();
  const serviceName = catalog?.services.find((s) => s.code === session.service)?.name ?? session.service;
  const schoolName = schools.data?.find((s) => s.id === session.schoolId)?.name;
  const timeZone = useDistrictTimeZone();
  const state = session.posted ? { label: 'Posted', color: 'green' } : session.state === 'active' ? { label: 'Running', color: 'blue' } : session.state === 'ended' ? { label: 'Ended', color: 'gray' } : { label: 'Cancelled', color: 'red' };
  return (
    <Paper withBorder p="md" component="header" aria-labelledby="session-title">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Title order={1} size="h2" id="session-title">
            {session.state === 'active' ? 'Active session' : 'Session'}: {session.description ?? serviceName}
          </Title>
          <Text>
            {serviceName}
            {session.group ? ` · ${session.group.name}` : ' · ad hoc'}
            {schoolName ? ` · ${schoolName}` : ''}
          </Text>
          <Text data-testid="session-work-order">
            <strong>Work order:</strong> {session.workOrder ? workOrderLabel(session.workOrder.type) : 'None: time tracking only (not paid)'}
          </Text>
          <Text>
            <strong>Started:</strong> <span data-testid="session-started">{formatDateTime(session.startedAt, timeZone)}</span>
            {session.endedAt && (
              <>
                {' '}
                · <strong>Ended:</strong> {formatTime(session.endedAt, timeZone)} ({session.rawMinutes} min)
              </>
            )}
          </Text>
          <ZoneNote timeZone={timeZone} />
        </Stack>
        <Badge c="dark.8" size="lg" color={state.color} variant="light">
          {state.label}
        </Badge>
      </Group>
    </Paper>
  );
}

