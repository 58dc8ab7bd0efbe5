/* Students for an ad hoc or individual series: search by the first letters of a name, across the district's schools. */
import { Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { useStudentSearch } from '../sessions/api';

export interface PickedStudent {
  id: string;
  name: string;
}

export interface StudentPickerProps {
  value: PickedStudent[];
  onChange: (students: PickedStudent[]) => void;
  /** An individual series has exactly one student: adding replaces. */
  single: boolean;
  error?: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function StudentPicker({ value, onChange, single, error }: StudentPickerProps) {
  const [q, setQ] = useState('');
  const term = useDebounced(q, 250);
  const matches = useStudentSearch(term);
  const chosen = new Set(value.map((student) => student.id));
  const hits = (matches.data ?? []).filter((hit) => !chosen.has(hit.id));
  return (
    <Stack gap="xs">
      <TextInput
        label={single ? 'Student' : 'Students'}
        description="Type the first letters of a first or last name"
        value={q}
        onChange={(event) => setQ(event.currentTarget.value)}
        error={error}
        autoComplete="off"
      />
      <ApiErrorAlert error={matches.error} title="Students could not be searched" />
      {term.trim().length >= 2 && matches.isSuccess && (
        <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Matching students">
          {hits.length === 0 && (
            <Text component="li" size="sm">
              No other student matches “{term.trim()}”.
            </Text>
          )}
          {hits.map((hit) => (
            <li key={hit.id}>
              <Button
                variant="default"
                size="sm"
                fullWidth
                justify="flex-start"
                onClick={() => {
                  const picked = { id: hit.id, name: `${hit.firstName} ${hit.lastName}` };
                  onChange(single ? [picked] : [...value, picked]);
                  setQ('');
                }}
              >
                Add {hit.firstName} {hit.lastName}
                {hit.grade ? `, grade ${hit.grade}` : ''}
              </Button>
            </li>
          ))}
        </Stack>
      )}
      {value.length > 0 && (
        <Paper withBorder p="xs">
          <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Chosen students">
            {value.map((student) => (
              <Group component="li" key={student.id} justify="space-between" wrap="nowrap">
                <Text size="sm">{student.name}</Text>
                <Button variant="subtle" size="compact-sm" onClick={() => onChange(value.filter((other) => other.id !== student.id))} aria-label={`Remove ${student.name}`}>
                  Remove
                </Button>
              </Group>
            ))}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
