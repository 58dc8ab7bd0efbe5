/*
 * On a coaching session: the teachers this coach has coached before, each
 * added (and marked present) in one tap, and a search of the district's
 * staff by name for a teacher coached for the first time.
 */
import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import type { SessionView } from '../sessions/api';
import { useDebounced } from '../sessions/useDebounced';
import { useCoachingHistory, useStaffSearch } from './api';
import { teachersOf } from './history';

export interface TeacherChoice {
  staffId: string;
  name: string;
}

export function TeacherPicker({ session, adding, onAdd }: { session: SessionView; adding: boolean; onAdd: (teacher: TeacherChoice) => void }) {
  const history = useCoachingHistory(session.providerId);
  const [typed, setTyped] = useState('');
  const search = useStaffSearch(useDebounced(typed));
  const inSession = new Set(session.participants.map((p) => p.personId));
  const offered = teachersOf(history.data?.sessions ?? []).filter((t) => !inSession.has(t.staffId));
  // The coach is never their own teacher; those already in the session are not offered twice.
  const found = (search.data?.items ?? [])
    .filter((person) => person.id !== session.providerId && !inSession.has(person.id))
    .map((person) => ({ staffId: person.id, name: `${person.firstName} ${person.lastName}` }));
  const first = session.participants.length === 0;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="teacher-picker-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="teacher-picker-heading">
          {first ? 'Who are you coaching?' : 'Add another teacher'}
        </Title>
        <ApiErrorAlert error={history.error} title="Your teachers could not be loaded" />
        {offered.length > 0 && <TeacherButtons label="Teachers you have coached" teachers={offered} primary={first} adding={adding} onAdd={onAdd} />}
        <TextInput
          label="Find a teacher by name"
          description="First letters of the first or last name"
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          maxLength={100}
          autoComplete="off"
        />
        <ApiErrorAlert error={search.error} title="The search did not answer" />
        {typed.trim() && search.data && (
          <>
            <Text size="sm" aria-live="polite">
              {found.length === 0 ? 'No active staff member of the district has that name.' : `${found.length} found`}
            </Text>
            {found.length > 0 && <TeacherButtons label="Staff found" teachers={found} primary={false} adding={adding} onAdd={onAdd} />}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function TeacherButtons({ label, teachers, primary, adding, onAdd }: { label: string; teachers: TeacherChoice[]; primary: boolean; adding: boolean; onAdd: (teacher: TeacherChoice) => void }) {
  return (
    <Group gap="xs" role="list" aria-label={label}>
      {teachers.map((t) => (
        <div role="listitem" key={t.staffId}>
          <Button variant={primary ? 'filled' : 'light'} size="md" onClick={() => onAdd(t)} disabled={adding} aria-label={`Add ${t.name}`}>
            {t.name}
          </Button>
        </div>
      ))}
    </Group>
  );
}
