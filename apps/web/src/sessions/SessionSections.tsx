/* The sections of the session screen below the students and notes: details, end, duration, tags, coaching log, work order, delete. */
import { useMemo, useState, type FormEvent } from 'react';
import {
  Button,
  Checkbox,
  Chip,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { call, useApi } from '../api/useApi';
import { idempotencyKey, sessionKeys, useMyWorkOrders, useSessionActions, type Catalog, type SessionView } from './api';
import { fieldErrors as fieldProblems } from '../ui/ApiErrorAlert';
import { SECTION_IDS } from './labels';
import { SessionError } from './SessionError';
import { formatDateTime, fromLocalInput, nowToTheMinute, toLocalInput, useDistrictTimeZone } from './time';
import { zoneName } from '../today/local-time';
import { useMe } from './useMe';
import { MODAL_PROPS } from './modalProps';
import { FEW_OPTIONS, initialLogValues, type CoachingField } from '../coaching/history';

/** The session as the cache has it now (mutations in a loop need each participant's newest version). */
export function useLatestSession(id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.getQueryData<SessionView>(sessionKeys.one(id));
}

/** Sections the audit links to land below the shell's fixed header. */
export const SECTION_STYLE = { scrollMarginTop: 80 };

export function DetailsSection({ session, catalog, editable }: { session: SessionView; catalog: Catalog | undefined; editable: boolean }) {
  const { updateSession } = useSessionActions(session.id);
  const [description, setDescription] = useState(session.description ?? '');
  const [activities, setActivities] = useState(session.activitiesDescription ?? '');
  const [planned, setPlanned] = useState<number | string>(session.plannedMinutes ?? '');
  const [needsAttention, setNeedsAttention] = useState(Boolean(session.needsAttention));
  const [familyInvolvement, setFamilyInvolvement] = useState(session.familyInvolvement);
  const fields = fieldProblems(updateSession.error);
  const careerLadder = session.workOrder?.type === 'career_ladder';
  const dirty =
    description !== (session.description ?? '') ||
    activities !== (session.activitiesDescription ?? '') ||
    planned !== (session.plannedMinutes ?? '') ||
    needsAttention !== Boolean(session.needsAttention) ||
    familyInvolvement !== session.familyInvolvement;

  function submit(event: FormEvent) {
    event.preventDefault();
    updateSession.mutate({
      version: session.version,
      description: description.trim() || null,
      activitiesDescription: activities.trim() || null,
      plannedMinutes: typeof planned === 'number' ? planned : null,
      needsAttention,
      familyInvolvement,
    });
  }
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.details} aria-labelledby="details-heading" tabIndex={-1} style={SECTION_STYLE}>
      <form onSubmit={submit} aria-label="Session details">
        <Stack gap="sm">
          <Title order={2} size="h4" id="details-heading">
            Session details
          </Title>
          {careerLadder && (
            <Checkbox label="A Family Involvement event" checked={familyInvolvement} onChange={(e) => setFamilyInvolvement(e.currentTarget.checked)} disabled={!editable} />
          )}
          {careerLadder && familyInvolvement ? (
            <Select
              label="Event"
              description="The name of the event from the approved list"
              data={Array.from(new Set([...(catalog?.familyInvolvementEvents ?? []), ...(description ? [description] : [])]))}
              value={description || null}
              onChange={(v) => setDescription(v ?? '')}
              error={fields.description}
              disabled={!editable}
            />
          ) : (
            <TextInput
              label="Description"
              description={careerLadder ? 'Required for a Career Ladder session' : undefined}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={fields.description}
              readOnly={!editable}
              maxLength={500}
            />
          )}
          <Textarea label="Description of activities (for everyone in the session)" autosize minRows={2} value={activities} onChange={(e) => setActivities(e.currentTarget.value)} error={fields.activitiesDescription} readOnly={!editable} />
          <NumberInput label="Planned minutes" value={planned} onChange={setPlanned} min={15} max={600} step={5} allowDecimal={false} error={fields.plannedMinutes} readOnly={!editable} />
          <Checkbox label="Needs attention (puts the session in the admins' queue)" checked={needsAttention} onChange={(e) => setNeedsAttention(e.currentTarget.checked)} disabled={!editable} />
          <SessionError error={updateSession.error} />
          {editable && (
            <Group>
              <Button type="submit" variant="light" disabled={!dirty} loading={updateSession.isPending}>
                Save details
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

/**
 * End: one tap ends the session now (the usual case, no dialog) and opens
 * the review to post; "End at…" keeps another end time, with "End only".
 */
export function EndSection({ session, busy, onEnded }: { session: SessionView; busy: boolean; onEnded: (toPost: boolean) => void }) {
  const timeZone = useDistrictTimeZone();
  const { end } = useSessionActions(session.id);
  const latest = useLatestSession(session.id);
  const [open, setOpen] = useState(false);
  const [endedAt, setEndedAt] = useState('');
  const [key, setKey] = useState(idempotencyKey);
  const [toPost, setToPost] = useState(true);
  const stillIn = session.participants.filter((p) => p.present !== false && !p.timeOut).length;
  const fields = fieldProblems(end.error);
  function submit(at: string | null, goPost: boolean, withKey: string) {
    if (!at) return;
    setToPost(goPost);
    end.mutate({ version: latest()?.version ?? session.version, endedAt: at, key: withKey }, { onSuccess: (reply) => {
      setOpen(false);
      // No answer: the end was kept offline, and the review needs the API.
      onEnded(goPost && reply !== undefined);
    } });
  }
  function endNow() {
    setOpen(false);
    // A new key per tap: a refused end is kept for replay under its key.
    submit(nowToTheMinute().toISOString(), true, idempotencyKey());
  }
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.end} aria-labelledby="end-heading" tabIndex={-1} style={SECTION_STYLE}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" align="flex-start">
          <div>
            <Title order={2} size="h4" id="end-heading">
              End the session
            </Title>
            <Text size="sm">“End now” ends it at the current time and opens the review to post. Everyone not yet timed out ({stillIn}) is timed out at the end.</Text>
          </div>
          <Group gap="xs">
            <Button color="red" size="md" onClick={endNow} loading={end.isPending && !open} disabled={busy && !end.isPending}>
              End now
            </Button>
            <Button
              variant="default"
              size="md"
              disabled={end.isPending}
              onClick={() => {
                setEndedAt(toLocalInput(nowToTheMinute(), timeZone));
                setKey(idempotencyKey());
                end.reset();
                setOpen(true);
              }}
            >
              End at…
            </Button>
          </Group>
        </Group>
        {!open && <SessionError error={end.error} />}
      </Stack>
      <Modal {...MODAL_PROPS} opened={open} onClose={() => setOpen(false)} title="End the session at another time">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit(fromLocalInput(endedAt, timeZone), true, end.isError ? idempotencyKey() : key);
          }}
          aria-label="End the session at another time"
        >
          <Stack gap="sm">
            <TextInput type="datetime-local" label="Ended at" description={`In ${zoneName(timeZone)}`} value={endedAt} onChange={(e) => setEndedAt(e.currentTarget.value)} error={fields.endedAt} required data-autofocus />
            <Text size="sm">Started {formatDateTime(session.startedAt, timeZone)}.</Text>
            <SessionError error={end.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => submit(fromLocalInput(endedAt, timeZone), false, end.isError ? idempotencyKey() : key)} loading={end.isPending && !toPost} disabled={busy && !end.isPending}>
                End only
              </Button>
              <Button type="submit" color="red" loading={end.isPending && toPost} disabled={busy && !end.isPending}>
                End and review to post
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}

export function DurationSection({ session, editable }: { session: SessionView; editable: boolean }) {
  const { setDuration } = useSessionActions(session.id);
  const [minutes, setMinutes] = useState<number | string>(session.adjustedMinutes ?? '');
  const fields = fieldProblems(setDuration.error);
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.duration} aria-labelledby="duration-heading" tabIndex={-1} style={SECTION_STYLE}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (typeof minutes === 'number') setDuration.mutate({ version: session.version, minutes });
        }}
        aria-label="Duration"
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="duration-heading">
            Duration
          </Title>
          <Text size="sm">
            Ran {session.rawMinutes ?? '—'} minutes. Pay and billing count the duration below: 5-minute steps, at least 15, at most the planned duration plus 30.
          </Text>
          <Group align="flex-end">
            <NumberInput label="Duration (minutes)" value={minutes} onChange={setMinutes} min={15} step={5} allowDecimal={false} error={fields.minutes} readOnly={!editable} w={200} />
            {editable && (
              <Button type="submit" variant="light" loading={setDuration.isPending} disabled={minutes === (session.adjustedMinutes ?? '')}>
                Set duration
              </Button>
            )}
          </Group>
          <SessionError error={setDuration.error} />
        </Stack>
      </form>
    </Paper>
  );
}

export function TagsSection({ session, catalog, editable }: { session: SessionView; catalog: Catalog | undefined; editable: boolean }) {
  const { setTags } = useSessionActions(session.id);
  const [open, setOpen] = useState(false);
  const goals = catalog?.careerLadderGoals ?? [];
  const name = (code: string) => goals.find((g) => g.code === code)?.name ?? code;
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.tags} aria-labelledby="tags-heading" tabIndex={-1} style={SECTION_STYLE}>
      <Group justify="space-between" wrap="wrap">
        <div>
          <Title order={2} size="h4" id="tags-heading">
            Tags
          </Title>
          <Text size="sm">{session.tags.length ? session.tags.map(name).join(', ') : session.workOrder?.type === 'career_ladder' ? 'None yet: a Career Ladder session needs a Career Ladder goal' : 'None (optional)'}</Text>
        </div>
        {editable && (
          <Button variant="light" onClick={() => setOpen(true)}>
            Tags
          </Button>
        )}
      </Group>
      <Modal {...MODAL_PROPS} opened={open} onClose={() => setOpen(false)} title="Session tags">
        <Stack gap="sm">
          <Text fw={600} id="popular-tags">
            Career Ladder goals
          </Text>
          <Chip.Group multiple value={session.tags} onChange={(tags) => setTags.mutate({ version: session.version, tags })}>
            <Group gap="xs" role="group" aria-labelledby="popular-tags">
              {goals.map((g) => (
                <Chip key={g.code} value={g.code} disabled={setTags.isPending}>
                  {g.name}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <SessionError error={setTags.error} />
          <Button onClick={() => setOpen(false)}>Close</Button>
        </Stack>
      </Modal>
    </Paper>
  );
}

/**
 * The coaching log, on the same screen as the session: a choice of few
 * options is one tap (chips), yes/no fields start at "no", Enter in a field
 * saves, and "Save and end now" saves the log, ends the session and opens
 * the review to post in one tap.
 */
export function CoachingLogSection({
  session,
  catalog,
  editable,
  busy,
  onEnded,
}: {
  session: SessionView;
  catalog: Catalog | undefined;
  editable: boolean;
  busy: boolean;
  onEnded: (toPost: boolean) => void;
}) {
  const { saveCoachingLog, end } = useSessionActions(session.id);
  const latest = useLatestSession(session.id);
  const fieldsDef = useMemo(() => catalog?.coachingFields ?? [], [catalog]);
  const [values, setValues] = useState<Record<string, unknown>>(() => ({ ...(session.coachingLog ?? {}) }));
  const problems = fieldProblems(saveCoachingLog.error ?? end.error);
  const set = (name: string, value: unknown) => setValues((old) => ({ ...old, [name]: value }));
  // The catalog may arrive after the screen: the yes/no defaults are laid under what was typed when it is sent.
  const toSend = () => Object.fromEntries(Object.entries(initialLogValues(values, fieldsDef)).filter(([, v]) => v !== '' && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)));
  const unsaved = editable && JSON.stringify(sortedEntries(toSend())) !== JSON.stringify(sortedEntries(session.coachingLog ?? {}));
  const running = session.state === 'active' && editable;

  function save() {
    saveCoachingLog.mutate({ version: latest()?.version ?? session.version, values: toSend() });
  }
  async function saveAndEnd() {
    const saved = await saveCoachingLog.mutateAsync({ version: latest()?.version ?? session.version, values: toSend() }).catch(() => null);
    if (!saved) return;
    // No answer: the end was kept offline, and the review needs the API.
    end.mutate({ version: saved.version, endedAt: nowToTheMinute().toISOString(), key: idempotencyKey() }, { onSuccess: (reply) => onEnded(reply !== undefined) });
  }
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.coaching} aria-labelledby="coaching-heading" tabIndex={-1} style={SECTION_STYLE}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
        aria-label="Coaching log"
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="coaching-heading">
            Coaching log
          </Title>
          {fieldsDef.map((f) => {
            const error = problems[`values.${f.name}`];
            const common = { label: f.label, required: f.required, error, key: f.name, readOnly: !editable };
            switch (f.type) {
              case 'number':
                return <NumberInput {...common} value={(values[f.name] as number | undefined) ?? ''} onChange={(v) => set(f.name, v === '' ? undefined : v)} />;
              case 'boolean':
                return <Checkbox key={f.name} label={f.label} checked={values[f.name] === true} onChange={(e) => set(f.name, e.currentTarget.checked)} disabled={!editable} error={error} />;
              case 'choice':
                return (f.options ?? []).length <= FEW_OPTIONS ? (
                  <ChoiceChips key={f.name} field={f} value={(values[f.name] as string | undefined) ?? null} error={error} editable={editable} onChange={(v) => set(f.name, v)} />
                ) : (
                  <Select {...common} data={f.options ?? []} value={(values[f.name] as string | undefined) ?? null} onChange={(v) => set(f.name, v ?? undefined)} searchable />
                );
              case 'multi_choice':
                return (
                  <Checkbox.Group key={f.name} label={f.label} required={f.required} error={error} value={(values[f.name] as string[] | undefined) ?? []} onChange={(v) => set(f.name, v)}>
                    <Group mt={6}>{(f.options ?? []).map((o) => <Checkbox key={o} value={o} label={o} disabled={!editable} />)}</Group>
                  </Checkbox.Group>
                );
              default:
                return <TextInput {...common} value={(values[f.name] as string | undefined) ?? ''} onChange={(e) => set(f.name, e.currentTarget.value)} />;
            }
          })}
          <SessionError error={saveCoachingLog.error ?? end.error} />
          {editable && (
            <Group gap="sm" wrap="wrap">
              {running && (
                <Button type="button" size="md" onClick={() => void saveAndEnd()} loading={saveCoachingLog.isPending || end.isPending} disabled={busy && !saveCoachingLog.isPending && !end.isPending}>
                  Save and end now
                </Button>
              )}
              <Button type="submit" variant={running ? 'default' : 'light'} size={running ? 'md' : 'sm'} loading={saveCoachingLog.isPending && !running}>
                Save coaching log
              </Button>
              <Text size="sm" aria-live="polite">
                {unsaved ? 'Not saved yet' : session.coachingLog ? 'Saved' : ''}
              </Text>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

function sortedEntries(values: Record<string, unknown>): [string, unknown][] {
  return Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
}

/** A choice of few options as one-tap chips, announced as a radio group under the field's label. */
function ChoiceChips({ field, value, error, editable, onChange }: { field: CoachingField; value: string | null; error: string | undefined; editable: boolean; onChange: (value: string) => void }) {
  const labelId = `coaching-${field.name}-label`;
  const errorId = `coaching-${field.name}-error`;
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500} id={labelId}>
        {field.label}
        {field.required && (
          <Text span c="red.8" aria-hidden>
            {' '}
            *
          </Text>
        )}
      </Text>
      <Chip.Group value={value} onChange={(v) => onChange(v)}>
        <Group gap="xs" role="radiogroup" aria-labelledby={labelId} aria-required={field.required} aria-describedby={error ? errorId : undefined}>
          {(field.options ?? []).map((option) => (
            <Chip key={option} value={option} name={`coaching-${field.name}`} disabled={!editable}>
              {option}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {error && (
        <Text size="sm" c="red.8" id={errorId}>
          {error}
        </Text>
      )}
    </Stack>
  );
}

export function WorkOrderSection({ session }: { session: SessionView }) {
  const me = useMe();
  const { assignWorkOrder } = useSessionActions(session.id);
  const workOrders = useMyWorkOrders(me?.userId, session.sessionDate);
  const here = useMemo(() => (workOrders.data ?? []).filter((w) => w.schoolId === session.schoolId), [workOrders.data, session.schoolId]);
  const [choice, setChoice] = useState<string | null>(null);
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.workOrder} aria-labelledby="wo-heading" tabIndex={-1} style={SECTION_STYLE}>
      <Stack gap="sm">
        <Title order={2} size="h4" id="wo-heading">
          Work order
        </Title>
        <Text size="sm">Time tracking only: never paid unless a work order is assigned within 7 days of the session date.</Text>
        <Group align="flex-end">
          <Select
            label="Assign a work order"
            placeholder={here.length ? 'Choose' : 'No work order covers this day'}
            data={here.map((w) => ({ value: w.id, label: `${w.typeName}${w.description ? `: ${w.description}` : ''}` }))}
            value={choice}
            onChange={setChoice}
            w={320}
          />
          <Button variant="light" disabled={!choice} loading={assignWorkOrder.isPending} onClick={() => choice && assignWorkOrder.mutate({ version: session.version, workOrderId: choice })}>
            Assign
          </Button>
        </Group>
        <SessionError error={assignWorkOrder.error} />
      </Stack>
    </Paper>
  );
}

export function DeleteSection({ session }: { session: SessionView }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  async function remove() {
    if (!window.confirm('Delete this session? Use this only for a session started by mistake.')) return;
    try {
      (await call(api.DELETE('/api/sessions/{id}', { params: { path: { id: session.id } } })));
      queryClient.removeQueries({ queryKey: sessionKeys.one(session.id) });
      void queryClient.invalidateQueries({ queryKey: sessionKeys.all });
      navigate('/today');
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Stack gap="xs">
      <Group>
        <Button variant="subtle" color="red" onClick={() => void remove()}>
          Delete session started by mistake
        </Button>
      </Group>
      <SessionError error={error} />
    </Stack>
  );
}
