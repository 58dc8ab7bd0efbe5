/*
 * The Student Encounter dialog: arrival (defaults to the session's start),
 * departure, present or not, time away, qualifiers (remedial with its
 * criteria and subject), activities and accommodations. The API checks every
 * rule; its field problems show beside the fields.
 */
import { useState, type FormEvent } from 'react';
import { useMediaQuery } from '@mantine/hooks';
import { Button, Checkbox, Chip, Group, Modal, NumberInput, Paper, Radio, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { AttendanceStatus, Catalog, Participant, ParticipantChanges, Qualifiers, SessionView } from './api';
import { fieldErrors as fieldProblems } from '../ui/ApiErrorAlert';
import { ATTENDANCE_LABELS, noQualifiers, qualifierWords, REMEDIAL_CRITERIA, sameQualifiers } from './labels';
import { SessionError } from './SessionError';
import { zoneName } from '../today/local-time';
import { fromLocalInput, nowToTheMinute, toLocalInput } from './time';
import { MODAL_PROPS } from './modalProps';

export interface EncounterSave {
  changes: ParticipantChanges;
  /** Give the same qualifiers to everyone else present. */
  qualifiersForAll: boolean;
}

/** The student's qualifiers in the provider's most recent earlier session with them, offered (never applied) as one tap. */
export interface LastQualifiers {
  qualifiers: Qualifiers;
  /** When that session was, in words ("Mon, Dec 1"). */
  when: string;
}

/** Up to this many subjects show as one-tap chips; more, as a list to open. */
export const SUBJECT_CHIPS_MAX = 6;

interface Props {
  session: SessionView;
  participant: Participant;
  catalog: Catalog | undefined;
  saving: boolean;
  error: unknown;
  onSave: (save: EncounterSave) => void;
  onClose: () => void;
  last?: LastQualifiers | null;
  /** The district's zone: arrival and departure are its wall clock. */
  timeZone: string;
}

type Presence = 'present' | 'absent';

const iso = (instant: string | null) => (instant ? new Date(instant).toISOString() : null);

export function EncounterDialog({ session, participant, catalog, saving, error, onSave, onClose, last, timeZone }: Props) {
  const phone = useMediaQuery('(max-width: 600px)');
  const service = catalog?.services.find((s) => s.code === session.service);
  const staff = participant.kind === 'staff';
  const [presence, setPresence] = useState<Presence>(participant.present === true ? 'present' : participant.present === false ? 'absent' : 'present');
  const [absence, setAbsence] = useState<AttendanceStatus | null>(participant.present === false ? participant.attendanceStatus : null);
  const [timeIn, setTimeIn] = useState(toLocalInput(participant.timeIn ?? session.startedAt, timeZone));
  const [timeOut, setTimeOut] = useState(participant.timeOut ? toLocalInput(participant.timeOut, timeZone) : '');
  const [away, setAway] = useState<number | string>(participant.timeAwayMinutes);
  const [q, setQ] = useState<Qualifiers>({ ...participant.qualifiers, remedialCriteria: [...participant.qualifiers.remedialCriteria] });
  const [activities, setActivities] = useState(participant.activities);
  const [accommodations, setAccommodations] = useState(participant.accommodations);
  const others = session.participants.filter((x) => x.id !== participant.id && x.present !== false);
  // In a group session "everyone present" is the default while the group's qualifiers are all alike (none yet, or the same):
  // it never overwrites a student whose qualifiers were set apart.
  const [forAll, setForAll] = useState(() => Boolean(session.group) && others.length > 0 && others.every((x) => sameQualifiers(x.qualifiers, participant.qualifiers)));
  const subjects = catalog?.subjects ?? [];
  const offerLast = !staff && last && !noQualifiers(last.qualifiers) && !sameQualifiers(last.qualifiers, q) ? last : null;
  const [missing, setMissing] = useState<Record<string, string>>({});
  const fields = { ...fieldProblems(error), ...missing };

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    const changes: ParticipantChanges = { activities, accommodations };
    if (presence === 'present') {
      const inAt = fromLocalInput(timeIn, timeZone);
      if (!inAt) problems.timeIn = 'Give the arrival time';
      const outAt = timeOut ? fromLocalInput(timeOut, timeZone) : null;
      if (timeOut && !outAt) problems.timeOut = 'Give a valid departure time, or leave it blank';
      changes.present = true;
      // Only what changed, so the trail names it (and an untouched time is never rewritten).
      if (inAt && inAt !== iso(participant.timeIn)) changes.timeIn = inAt;
      if (outAt !== iso(participant.timeOut)) changes.timeOut = outAt;
      const awayMinutes = typeof away === 'number' ? away : 0;
      if (awayMinutes !== participant.timeAwayMinutes) changes.timeAwayMinutes = awayMinutes;
    } else if (presence === 'absent') {
      if (!absence) problems.attendanceStatus = 'Say why the student was not there';
      changes.present = false;
      changes.attendanceStatus = absence;
    }
    if (!staff) {
      if (q.remedial && q.remedialCriteria.length === 0) problems['qualifiers.remedialCriteria'] = 'Choose at least one criterion the student meets';
      if (q.remedial && !q.subject) problems['qualifiers.subject'] = 'Choose the subject tutored';
      changes.qualifiers = q.remedial ? q : { ...q, remedialCriteria: [], subject: q.subject || null };
    }
    setMissing(problems);
    if (Object.keys(problems).length) return;
    onSave({ changes, qualifiersForAll: forAll });
  }

  const flag = (key: 'homebound' | 'detention' | 'creditRecovery' | 'remedial', label: string, description?: string) => (
    <Checkbox
      label={label}
      description={description}
      checked={q[key]}
      onChange={(e) => {
        const checked = e.currentTarget.checked;
        setQ((old) => ({ ...old, [key]: checked, ...(key === 'remedial' && !checked ? { remedialCriteria: [] } : {}) }));
      }}
      error={fields[`qualifiers.${key}`]}
    />
  );

  return (
    <Modal {...MODAL_PROPS} opened onClose={onClose} title={`Encounter: ${participant.name}`} size="lg" fullScreen={phone}>
      <form onSubmit={submit} noValidate aria-label={`Encounter of ${participant.name}`}>
        <Stack gap="md">
          <Radio.Group label="Attendance" value={presence} onChange={(v) => setPresence(v as Presence)}>
            <Group mt="xs">
              <Radio value="present" label="Present" />
              <Radio value="absent" label="Not present" />
            </Group>
          </Radio.Group>
          {presence === 'absent' && (
            <Select
              label="Why not present"
              placeholder="Choose"
              data={(['missed_billable', 'cancelled_billable', 'cancelled_nonbillable'] as const).map((value) => ({ value, label: ATTENDANCE_LABELS[value] }))}
              value={absence}
              onChange={(v) => setAbsence(v as AttendanceStatus | null)}
              error={fields.attendanceStatus}
              required
            />
          )}
          {presence === 'present' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput type="datetime-local" label="Arrived" description={`Times in ${zoneName(timeZone)}`} value={timeIn} onChange={(e) => setTimeIn(e.currentTarget.value)} error={fields.timeIn} required />
              <Stack gap={4}>
                <TextInput
                  type="datetime-local"
                  label="Left"
                  description={session.state === 'active' ? 'Blank while still here' : undefined}
                  value={timeOut}
                  onChange={(e) => setTimeOut(e.currentTarget.value)}
                  error={fields.timeOut}
                />
                {session.state === 'active' && (
                  <Button variant="subtle" size="compact-sm" onClick={() => setTimeOut(toLocalInput(nowToTheMinute(), timeZone))}>
                    Left now
                  </Button>
                )}
              </Stack>
              <NumberInput label="Time away (minutes)" min={0} max={600} allowDecimal={false} value={away} onChange={setAway} error={fields.timeAwayMinutes} />
            </SimpleGrid>
          )}
          {!staff && (
            <Stack gap="xs" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
              <Text component="legend" fw={600}>
                Qualifiers
              </Text>
              {offerLast && (
                <Paper withBorder p="xs" radius="md">
                  <Group justify="space-between" gap="xs" wrap="wrap">
                    <Text size="sm">Last session ({offerLast.when}): {qualifierWords(offerLast.qualifiers)}</Text>
                    <Button
                      variant="light"
                      size="compact-md"
                      onClick={() => setQ({ ...offerLast.qualifiers, remedialCriteria: [...offerLast.qualifiers.remedialCriteria] })}
                      styles={{ label: { whiteSpace: 'normal' } }}
                      h="auto"
                      py={4}
                    >
                      Same qualifiers as last session
                    </Button>
                  </Group>
                </Paper>
              )}
              {flag('homebound', 'Homebound', "Only the student's assigned homebound teacher, during a homebound session")}
              {flag('detention', 'Detention', 'Serving a detention in your room')}
              {flag('creditRecovery', 'Credit recovery', 'Working on credit recovery material')}
              {flag('remedial', 'Remedial', 'Tutored, and meets one of the criteria (not for detention only)')}
              {q.remedial && (
                <Stack gap="xs" pl="lg">
                  <Checkbox.Group
                    label="Remedial criteria met"
                    value={q.remedialCriteria}
                    onChange={(v) => setQ((old) => ({ ...old, remedialCriteria: v as Qualifiers['remedialCriteria'] }))}
                    error={fields['qualifiers.remedialCriteria']}
                    required
                  >
                    <Stack gap={6} mt={6}>
                      {REMEDIAL_CRITERIA.map((c) => (
                        <Checkbox key={c.value} value={c.value} label={c.label} />
                      ))}
                    </Stack>
                  </Checkbox.Group>
                  {subjects.length <= SUBJECT_CHIPS_MAX ? (
                    <Stack gap={6}>
                      <Text size="sm" fw={500} id="subject-label">
                        Subject tutored{' '}
                        <Text span c="red.8" aria-hidden>
                          *
                        </Text>
                      </Text>
                      <Chip.Group value={q.subject ?? null} onChange={(v) => setQ((old) => ({ ...old, subject: v }))}>
                        <Group gap="xs" role="radiogroup" aria-labelledby="subject-label" aria-required aria-describedby={fields['qualifiers.subject'] ? 'subject-error' : undefined}>
                          {subjects.map((subject) => (
                            <Chip key={subject} value={subject} name="subject">
                              {subject}
                            </Chip>
                          ))}
                        </Group>
                      </Chip.Group>
                      {fields['qualifiers.subject'] && (
                        <Text size="sm" c="red.8" id="subject-error">
                          {fields['qualifiers.subject']}
                        </Text>
                      )}
                    </Stack>
                  ) : (
                    <Select
                      label="Subject tutored"
                      placeholder="Choose the subject"
                      data={subjects}
                      value={q.subject ?? null}
                      onChange={(v) => setQ((old) => ({ ...old, subject: v }))}
                      error={fields['qualifiers.subject']}
                      required
                    />
                  )}
                </Stack>
              )}
              {others.length > 0 && (
                <Checkbox
                  label="Give these qualifiers to everyone present"
                  description={`Also ${others.map((x) => x.name).join(', ')}`}
                  checked={forAll}
                  onChange={(e) => setForAll(e.currentTarget.checked)}
                />
              )}
            </Stack>
          )}
          {(service?.activities.length ?? 0) > 0 && (
            <Checkbox.Group label="Activities" value={activities} onChange={setActivities} error={fields.activities}>
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt={6} spacing={6}>
                {service?.activities.map((a) => <Checkbox key={a} value={a} label={a} />)}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          {(service?.accommodations.length ?? 0) > 0 && (
            <Checkbox.Group label="Accommodations" value={accommodations} onChange={setAccommodations} error={fields.accommodations}>
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt={6} spacing={6}>
                {service?.accommodations.map((a) => <Checkbox key={a} value={a} label={a} />)}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          <SessionError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Save encounter
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
