/*
 * Audit and post: what is missing (each item links to where it is fixed),
 * then the e-signature. A posted session shows its pay, takes amendments
 * (a reason and the signature) and lists every signed version.
 */
import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { call, useApi } from '../api/useApi';
import {
  idempotencyKey,
  sessionKeys,
  useAudit,
  useCatalog,
  useSession,
  useServiceName,
  useSessionVersions,
  type AmendmentChanges,
  type AttendanceStatus,
  type PostReply,
  type SessionView,
  type Signature,
} from '../sessions/api';
import { AuditPanel } from '../sessions/AuditPanel';
import { fieldErrors as fieldProblems } from '../ui/ApiErrorAlert';
import { ATTENDANCE_LABELS } from '../sessions/labels';
import { SessionError } from '../sessions/SessionError';
import { formatDateTime, formatTime, useDistrictTimeZone } from '../sessions/time';
import { ZoneNote } from '../ui/ZoneNote';
import { PayOutcome } from './PayOutcome';
import { SignatureFields, toSignature, type SignatureState } from './SignatureFields';
import { READABLE_ALERT } from '../sessions/modalProps';

export function PostPage() {
  const { id = '' } = useParams();
  const session = useSession(id);
  if (session.isPending) return <Loader m="xl" aria-label="Loading the session" />;
  if (session.error) {
    return (
      <Stack p="md" maw={720} mx="auto">
        <Title order={1}>Post a session</Title>
        <SessionError error={session.error} />
      </Stack>
    );
  }
  const s = session.data;
  return (
    <Stack maw={880} mx="auto" p={{ base: 0, sm: 'md' }} gap="md">
      <Title order={1} size="h2">
        {s.posted ? 'Posted session' : 'Review and post'}
      </Title>
      <Summary session={s} />
      {s.posted ? (
        <>
          <PayOutcome sessionId={s.id} version={s.posted.version} />
          <AmendSection session={s} />
          <VersionHistory sessionId={s.id} />
        </>
      ) : (
        <>
          <AuditPanel sessionId={s.id} />
          <SignAndPost session={s} />
        </>
      )}
    </Stack>
  );
}

function Summary({ session }: { session: SessionView }) {
  const serviceName = useServiceName();
  const timeZone = useDistrictTimeZone();
  return (
    <Paper withBorder p="md">
      <Stack gap={4}>
        <Text>
          <strong>{session.description ?? serviceName(session.service)}</strong>
          {session.group ? ` · ${session.group.name}` : ' · ad hoc'} · {formatDateTime(session.startedAt, timeZone)}–{formatTime(session.endedAt, timeZone)}
          {session.adjustedMinutes !== null ? ` · ${session.adjustedMinutes} min` : ''}
        </Text>
        <Text size="sm">
          {session.participants.length} {session.participantKind === 'staff' ? 'teachers' : 'students'}:{' '}
          {session.participants.map((p) => `${p.name} (${p.attendanceStatus ? ATTENDANCE_LABELS[p.attendanceStatus] : 'no attendance'})`).join(', ')}
        </Text>
        <ZoneNote timeZone={timeZone} />
        <Anchor component={Link} to={`/sessions/${session.id}`}>
          Back to the session
        </Anchor>
      </Stack>
    </Paper>
  );
}

function useSign<B>(sessionId: string, send: (body: B, key: string) => Promise<PostReply>) {
  const queryClient = useQueryClient();
  return useMutation<PostReply, Error, { body: B; key: string }>({
    mutationFn: (vars) => send(vars.body, vars.key),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: sessionKeys.one(sessionId) });
      void queryClient.invalidateQueries({ queryKey: sessionKeys.versions(sessionId) });
      void queryClient.invalidateQueries({ queryKey: sessionKeys.pay(sessionId) });
      void queryClient.invalidateQueries({ queryKey: sessionKeys.all });
    },
  });
}

function SignAndPost({ session }: { session: SessionView }) {
  const api = useApi();
  const audit = useAudit(session.id);
  const [signature, setSignature] = useState<SignatureState>({ secret: '', usePin: false });
  const [missing, setMissing] = useState(false);
  const [key] = useState(idempotencyKey);
  const post = useSign<Signature>(session.id, async (body, k) =>
    (await call(api.POST('/api/sessions/{id}/post', { params: { path: { id: session.id } }, body, headers: { 'Idempotency-Key': k } }))),
  );
  const fields = fieldProblems(post.error);
  function submit(event: FormEvent) {
    event.preventDefault();
    const body = toSignature(signature);
    setMissing(!body);
    // A wrong password is refused; the next try is a new request (its own key), not a replay of the refusal.
    if (body) post.mutate({ body, key: post.isError ? idempotencyKey() : key });
  }
  const postable = audit.data?.postable ?? false;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sign-heading">
      <form onSubmit={submit} aria-label="Sign and post" noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="sign-heading">
            Sign and post
          </Title>
          {!postable && audit.data && <Text>Fix what is listed above first; then sign here.</Text>}
          <SignatureFields
            value={signature}
            onChange={setSignature}
            action="posting"
            error={missing ? 'Enter it to sign' : (fields.password ?? fields.pin)}
          />
          <SessionError error={post.error} />
          <Group>
            <Button type="submit" size="md" loading={post.isPending} disabled={!postable}>
              Sign and post
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function AmendSection({ session }: { session: SessionView }) {
  const api = useApi();
  const catalog = useCatalog();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [description, setDescription] = useState(session.description ?? '');
  const [minutes, setMinutes] = useState<number | string>(session.adjustedMinutes ?? '');
  const [notes, setNotes] = useState<Record<string, string>>(() => Object.fromEntries(session.participants.map((p) => [p.id, p.studentNote ?? ''])));
  const [statuses, setStatuses] = useState<Record<string, AttendanceStatus | null>>(() => Object.fromEntries(session.participants.map((p) => [p.id, p.attendanceStatus])));
  const [tags, setTags] = useState<string[]>(session.tags);
  const [signature, setSignature] = useState<SignatureState>({ secret: '', usePin: false });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const amend = useSign<{ reason: string; changes: AmendmentChanges; basedOnVersion: number } & Signature>(session.id, async (body, k) =>
    (await call(api.POST('/api/sessions/{id}/amendments', { params: { path: { id: session.id } }, body, headers: { 'Idempotency-Key': k } }))),
  );
  const fields = { ...fieldProblems(amend.error), ...problems };
  const basedOn = session.posted?.version ?? 1;

  function submit(event: FormEvent) {
    event.preventDefault();
    const changes: AmendmentChanges = {};
    if (description.trim() !== (session.description ?? '')) changes.session = { description: description.trim() || null };
    if (typeof minutes === 'number' && minutes !== session.adjustedMinutes) changes.adjustedMinutes = minutes;
    if (tags.join() !== session.tags.join()) changes.tags = tags;
    const participants = session.participants
      .map((p) => {
        const change: NonNullable<AmendmentChanges['participants']>[number] = { participantId: p.id };
        if ((notes[p.id] ?? '') !== (p.studentNote ?? '')) change.studentNote = notes[p.id] || null;
        if (statuses[p.id] !== p.attendanceStatus) change.attendanceStatus = statuses[p.id];
        return change;
      })
      .filter((c) => Object.keys(c).length > 1);
    if (participants.length) changes.participants = participants;
    const signed = toSignature(signature);
    const next: Record<string, string> = {};
    if (!reason.trim()) next.reason = 'Say why the posted session is changed';
    if (!Object.keys(changes).length) next.changes = 'Nothing is changed yet';
    if (!signed) next.password = 'Enter it to sign';
    setProblems(next);
    if (Object.keys(next).length || !signed) return;
    amend.mutate({ body: { reason: reason.trim(), changes, basedOnVersion: basedOn, ...signed }, key: idempotencyKey() }, { onSuccess: () => setOpen(false) });
  }

  if (!open) {
    return (
      <Group>
        <Button variant="light" onClick={() => setOpen(true)}>
          Amend this session
        </Button>
        {amend.data && <Text>Amended: version {amend.data.version} signed.</Text>}
      </Group>
    );
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="amend-heading">
      <form onSubmit={submit} aria-label="Amend the session" noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="amend-heading">
            Amend (version {basedOn} stays readable)
          </Title>
          <Textarea label="Reason for the amendment" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fields.reason} required autosize minRows={2} maxLength={1000} />
          <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fields['changes.session.description']} />
          <NumberInput label="Duration (minutes)" value={minutes} onChange={setMinutes} step={5} min={15} allowDecimal={false} error={fields['changes.adjustedMinutes']} />
          {session.participants.map((p) => (
            <Paper key={p.id} withBorder p="sm">
              <Stack gap="xs">
                <Text fw={600}>{p.name}</Text>
                <Select
                  label={`Attendance of ${p.name}`}
                  data={(Object.keys(ATTENDANCE_LABELS) as AttendanceStatus[]).map((value) => ({ value, label: ATTENDANCE_LABELS[value] }))}
                  value={statuses[p.id]}
                  onChange={(v) => setStatuses((old) => ({ ...old, [p.id]: v as AttendanceStatus | null }))}
                />
                {p.kind === 'student' && (
                  <Textarea label={`Student note to ${p.name}`} autosize minRows={2} value={notes[p.id] ?? ''} onChange={(e) => {
                    const value = e.currentTarget.value;
                    setNotes((old) => ({ ...old, [p.id]: value }));
                  }} />
                )}
              </Stack>
            </Paper>
          ))}
          {(catalog.data?.careerLadderGoals.length ?? 0) > 0 && (
            <Select
              label="Career Ladder goal tag"
              data={catalog.data?.careerLadderGoals.map((g) => ({ value: g.code, label: g.name })) ?? []}
              value={tags[0] ?? null}
              onChange={(v) => setTags(v ? [v] : [])}
              clearable
            />
          )}
          {fields.changes && <Text c="red.9">{fields.changes}</Text>}
          <SignatureFields value={signature} onChange={setSignature} action="signing the amendment" error={fields.password ?? fields.pin} />
          <SessionError error={amend.error} />
          <Group>
            <Button type="submit" loading={amend.isPending}>
              Sign the amendment
            </Button>
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function VersionHistory({ sessionId }: { sessionId: string }) {
  const versions = useSessionVersions(sessionId, true);
  const timeZone = useDistrictTimeZone();
  const [shown, setShown] = useState<number | null>(null);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="versions-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="versions-heading">
          Signed versions
        </Title>
        {versions.error && <SessionError error={versions.error} />}
        {versions.data?.length ? (
          <Text data-testid="signature-meaning">
            Signed “{versions.data[versions.data.length - 1].signature.meaning}” by {versions.data[versions.data.length - 1].signature.signerName},{' '}
            {formatDateTime(versions.data[versions.data.length - 1].signature.signedAt, timeZone)}.
          </Text>
        ) : null}
        <Table.ScrollContainer minWidth={560}>
          <Table striped aria-label="Signed versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Signed</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Minutes</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Details</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(versions.data ?? []).map((v) => (
                <Table.Tr key={v.version}>
                  <Table.Td>
                    <Badge c="dark.8" variant="light">{v.version}</Badge>
                  </Table.Td>
                  <Table.Td>{formatDateTime(v.signature.signedAt, timeZone)}</Table.Td>
                  <Table.Td>{v.signature.signerName}</Table.Td>
                  <Table.Td>{v.signature.reason ?? 'First posting'}</Table.Td>
                  <Table.Td>{v.snapshot.adjustedMinutes ?? v.snapshot.rawMinutes}</Table.Td>
                  <Table.Td>
                    <Button variant="subtle" size="compact-sm" onClick={() => setShown(shown === v.version ? null : v.version)} aria-expanded={shown === v.version}>
                      {shown === v.version ? 'Hide' : 'Show'} version {v.version}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {(versions.data ?? [])
          .filter((v) => v.version === shown)
          .map((v) => (
            <Alert styles={READABLE_ALERT} key={v.version} color="gray" title={`Version ${v.version} as signed`}>
              <Stack gap={4}>
                <Text size="sm">
                  “{v.signature.meaning}” — {v.signature.signerName}, {formatDateTime(v.signature.signedAt, timeZone)}, by {v.signature.method === 'pin' ? 'signing PIN' : 'password'}
                </Text>
                <Text size="sm">Description: {v.snapshot.description ?? '—'}</Text>
                {v.snapshot.participants.map((p) => (
                  <Text size="sm" key={p.participantId}>
                    {p.name}: {ATTENDANCE_LABELS[p.attendanceStatus]}, {p.minutes} min
                  </Text>
                ))}
                <Text size="xs" style={{ wordBreak: 'break-all' }}>
                  Content hash {v.snapshot.contentHash}
                </Text>
              </Stack>
            </Alert>
          ))}
      </Stack>
    </Paper>
  );
}
