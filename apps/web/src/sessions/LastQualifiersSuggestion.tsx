/*
 * "Same qualifiers as last session": the qualifiers the students present had
 * in the provider's most recent earlier session with them (the same group's
 * preferred), read through GET /api/sessions (one request), offered as one
 * tap that names what it sets — never applied without that tap. Shown only
 * for students present who have no qualifiers yet.
 */
import { useState } from 'react';
import { Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import type { Participant, ParticipantChanges, SessionView } from './api';
import { usePreviousSession } from './api';
import { noQualifiers, qualifierWords, sameQualifiers } from './labels';
import { formatDay } from './time';

export interface QualifierWrite {
  participantId: string;
  changes: ParticipantChanges;
}

/** Who gets what from the previous session: present students without qualifiers who had some then. */
export function lastQualifierWrites(session: Pick<SessionView, 'participants'>, previous: Pick<SessionView, 'participants'> | null | undefined) {
  const before = new Map((previous?.participants ?? []).map((p) => [p.personId, p.qualifiers]));
  const open = session.participants.filter((p) => p.kind === 'student' && p.present === true && noQualifiers(p.qualifiers));
  const given: { participant: Participant; qualifiers: Participant['qualifiers'] }[] = [];
  const without: Participant[] = [];
  for (const p of open) {
    const q = before.get(p.personId);
    if (q && !noQualifiers(q)) given.push({ participant: p, qualifiers: q });
    else without.push(p);
  }
  return { given, without };
}

interface Props {
  session: SessionView;
  busy: boolean;
  onApply: (writes: QualifierWrite[]) => void;
}

export function LastQualifiersSuggestion({ session, busy, onApply }: Props) {
  const [dismissed, setDismissed] = useState(false);
  // Read as soon as a student may need it (so it is there when they are marked present); offered once they are.
  const anyOpen = session.participants.some((p) => p.kind === 'student' && p.present !== false && noQualifiers(p.qualifiers));
  // The group's (or the first student's) previous session: its participants carry everyone's qualifiers then.
  const previous = usePreviousSession(session, session.participants[0]?.personId, session.participantKind === 'student' && anyOpen && !dismissed);
  if (dismissed || !previous.data) return null;
  const { given, without } = lastQualifierWrites(session, previous.data);
  if (given.length === 0) return null;
  const alike = given.every((g) => sameQualifiers(g.qualifiers, given[0].qualifiers));
  const when = `${formatDay(previous.data.sessionDate)}${previous.data.group ? `, ${previous.data.group.name}` : ''}`;
  const everyone = without.length === 0;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="last-qualifiers-heading" style={{ borderColor: 'var(--mantine-color-blue-6)' }}>
      <Stack gap="xs">
        <Title order={2} size="h4" id="last-qualifiers-heading">
          Qualifiers from last session
        </Title>
        <Text size="sm">
          Last session ({when}) {alike ? (everyone ? 'everyone present had' : `${given.map((g) => g.participant.name).join(', ')} had`) : 'each student had'}:{' '}
          {alike && <strong>{qualifierWords(given[0].qualifiers)}</strong>}
        </Text>
        {!alike && (
          <List size="sm" spacing={2}>
            {given.map((g) => (
              <List.Item key={g.participant.id}>
                {g.participant.name}: <strong>{qualifierWords(g.qualifiers)}</strong>
              </List.Item>
            ))}
          </List>
        )}
        {without.length > 0 && <Text size="sm">Not in that session or without qualifiers then: {without.map((p) => p.name).join(', ')} — set theirs in the encounter.</Text>}
        <Group gap="xs">
          <Button
            onClick={() => onApply(given.map((g) => ({ participantId: g.participant.id, changes: { qualifiers: { ...g.qualifiers, remedialCriteria: [...g.qualifiers.remedialCriteria] } } })))}
            loading={busy}
            h="auto"
            py={8}
            styles={{ label: { whiteSpace: 'normal', lineHeight: 1.35, overflow: 'visible' } }}
          >
            {alike ? `Same qualifiers as last session (${qualifierWords(given[0].qualifiers)})` : "Same qualifiers as last session (each student's own)"}
          </Button>
          <Button variant="subtle" onClick={() => setDismissed(true)}>
            Not this time
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
