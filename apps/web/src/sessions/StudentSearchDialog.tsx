/*
 * Add a student: the first letters of the first or last name, across the
 * district's schools; the search starts shortly after typing stops.
 */
import { useState } from 'react';
import { Button, Loader, Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useSchools, useStudentSearch, type StudentHit } from './api';
import { SessionError } from './SessionError';
import { useDebounced } from './useDebounced';
import { MODAL_PROPS } from './modalProps';

interface Props {
  alreadyIn: Set<string>;
  adding: boolean;
  error: unknown;
  onPick: (student: StudentHit) => void;
  onClose: () => void;
}

export function StudentSearchDialog({ alreadyIn, adding, error, onPick, onClose }: Props) {
  const [q, setQ] = useState('');
  const term = useDebounced(q, 300);
  const search = useStudentSearch(term);
  const schools = useSchools();
  const schoolName = (id: string) => schools.data?.find((s) => s.id === id)?.name ?? '';
  const tooShort = term.trim().length < 2;

  return (
    <Modal {...MODAL_PROPS} opened onClose={onClose} title="Add a student" size="md">
      <Stack gap="sm">
        <TextInput
          label="Student's first or last name"
          description="Type the first letters; students of every school of the district are found"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          data-autofocus
          autoComplete="off"
          rightSection={search.isFetching ? <Loader size="xs" aria-label="Searching" /> : null}
        />
        <div aria-live="polite">
          {tooShort ? (
            <Text size="sm" c="gray.7">
              Type at least two letters.
            </Text>
          ) : search.data && search.data.length === 0 ? (
            <Text size="sm">No student found for “{term}”.</Text>
          ) : null}
        </div>
        {search.error && <SessionError error={search.error} />}
        <Stack gap={4} role="list" aria-label="Students found">
          {(tooShort ? [] : (search.data ?? [])).map((s) => {
            const inSession = alreadyIn.has(s.id);
            return (
              <div role="listitem" key={s.id}>
                <UnstyledButton
                  className="sl-pick"
                  disabled={inSession || adding}
                  onClick={() => onPick(s)}
                  aria-label={`Add ${s.firstName} ${s.lastName}, grade ${s.grade}, ${schoolName(s.schoolId)}`}
                  w="100%"
                  p="sm"
                  style={{ borderRadius: 8, border: '1px solid var(--mantine-color-gray-4)', minHeight: 48 }}
                >
                  <Text fw={600}>
                    {s.firstName} {s.lastName}
                  </Text>
                  <Text size="sm" c="gray.7">
                    Grade {s.grade} · {schoolName(s.schoolId)} · #{s.localId}
                    {inSession ? ' · already in this session' : ''}
                  </Text>
                </UnstyledButton>
              </div>
            );
          })}
        </Stack>
        <SessionError error={error} />
        <Button variant="default" onClick={onClose}>
          Done
        </Button>
      </Stack>
    </Modal>
  );
}
