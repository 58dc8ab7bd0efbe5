/*
 * The students (or teachers) of the session: one tap marks a student present
 * (timed in at the start), "Everyone present" does it for all; the name
 * opens the encounter; the large plus button adds a student by search.
 */
import { ActionIcon, Affix, Badge, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import type { Participant, SessionView } from './api';
import { ATTENDANCE_LABELS, qualifierSummary, SECTION_IDS } from './labels';
import { formatTime } from './time';

interface Props {
  session: SessionView;
  editable: boolean;
  busy: boolean;
  onPresent: (participants: Participant[]) => void;
  onTimeOut: (participant: Participant) => void;
  onOpen: (participant: Participant) => void;
  onRemove: (participant: Participant) => void;
  onAdd: () => void;
  /** The district's zone, the one times show in. */
  timeZone: string;
}

function statusOf(p: Participant, timeZone: string): { label: string; color: string } {
  if (p.present === true) return { label: p.timeOut ? `Present, left ${formatTime(p.timeOut, timeZone)}` : 'Present', color: 'green' };
  if (p.present === false) return { label: `Not present${p.attendanceStatus ? `: ${ATTENDANCE_LABELS[p.attendanceStatus]}` : ''}`, color: 'gray' };
  return { label: 'Not marked yet', color: 'orange' };
}

export function ParticipantsSection({ session, editable, busy, onPresent, onTimeOut, onOpen, onRemove, onAdd, timeZone }: Props) {
  const unmarked = session.participants.filter((p) => p.present === null);
  const who = session.participantKind === 'staff' ? 'Teachers' : 'Students';
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.students} aria-labelledby="students-heading" tabIndex={-1} style={{ scrollMarginTop: 80 }}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4" id="students-heading">
            {session.group ? `${who} of ${session.group.name}` : who} ({session.participants.length})
          </Title>
          {editable && unmarked.length > 1 && (
            <Button onClick={() => onPresent(unmarked)} loading={busy} size="md">
              Everyone present ({unmarked.length})
            </Button>
          )}
        </Group>
        {session.participants.length === 0 && (
          <Text>{session.participantKind === 'staff' ? 'Nobody yet. Choose the teacher you are coaching below.' : 'Nobody yet. Use “Add student” to find students by name.'}</Text>
        )}
        <Stack gap="xs" role="list">
          {session.participants.map((p) => {
            const status = statusOf(p, timeZone);
            return (
              <Paper key={p.id} withBorder p="sm" radius="md" role="listitem" data-testid={`participant-${p.personId}`}>
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Button variant="subtle" px={4} py={2} h="auto" onClick={() => onOpen(p)} aria-label={`Encounter of ${p.name}`} styles={{ label: { whiteSpace: 'normal', textAlign: 'left' } }}>
                      <Text fw={700} size="md">
                        {p.name}
                      </Text>
                    </Button>
                    <Group gap={6} wrap="wrap">
                      <Badge c="dark.8" color={status.color} variant="light" styles={{ label: { textTransform: 'none' } }}>
                        {status.label}
                      </Badge>
                      {p.present && (
                        <Text size="sm">
                          {formatTime(p.timeIn, timeZone)}–{p.timeOut ? formatTime(p.timeOut, timeZone) : 'now'}
                          {p.timeAwayMinutes ? `, away ${p.timeAwayMinutes} min` : ''}
                        </Text>
                      )}
                    </Group>
                    {p.kind === 'student' && <Text size="sm">{qualifierSummary(p)}</Text>}
                  </Stack>
                  {editable && (
                    <Group gap={6} wrap="wrap" justify="flex-end">
                      {p.present === null && (
                        <Button onClick={() => onPresent([p])} disabled={busy} aria-label={`${p.name} is present`}>
                          Present
                        </Button>
                      )}
                      {p.present && !p.timeOut && session.state === 'active' && (
                        <Button variant="light" onClick={() => onTimeOut(p)} disabled={busy} aria-label={`Time ${p.name} out now`}>
                          Time out
                        </Button>
                      )}
                      <Button variant="default" onClick={() => onOpen(p)} aria-label={`Edit ${p.name}'s encounter`}>
                        Edit
                      </Button>
                      <Tooltip label={`Remove ${p.name}`}>
                        <ActionIcon variant="subtle" color="red" size="lg" onClick={() => onRemove(p)} aria-label={`Remove ${p.name} from the session`}>
                          <span aria-hidden>✕</span>
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  )}
                </Group>
              </Paper>
            );
          })}
        </Stack>
        {editable && session.participantKind === 'student' && (
          <Affix position={{ bottom: 24, right: 24 }} zIndex={150}>
            <Button size="lg" radius="xl" onClick={onAdd} leftSection={<span aria-hidden>+</span>} aria-label="Add student" style={{ boxShadow: '0 4px 12px rgba(0,0,0,.3)' }}>
              Add student
            </Button>
          </Affix>
        )}
      </Stack>
    </Paper>
  );
}
