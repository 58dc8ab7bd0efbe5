/*
 * Notes per participant and audience: the student note (seen by the student,
 * their guardians and admins) starts from the service's template; the client
 * note (guardians, admins) and the admin note (admins) sit behind "More
 * notes". A note is saved when the field is left; the service's hints on it
 * are advice, never a block.
 */
import { useState } from 'react';
import { Alert, Button, Collapse, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Participant, ParticipantChanges, SessionView } from './api';
import { readCopy, removeCopy, writeCopy } from '../offline/offline-copies';
import { SECTION_IDS } from './labels';
import { READABLE_ALERT } from './modalProps';

export type NoteField = 'studentNote' | 'clientNote' | 'adminNote';

interface Props {
  session: SessionView;
  template: string | null | undefined;
  editable: boolean;
  hints: Record<string, string[]>;
  savingId: string | null;
  onSave: (participant: Participant, changes: ParticipantChanges) => void;
}

const AUDIENCE: Record<NoteField, { label: string; who: string }> = {
  studentNote: { label: 'Student note', who: 'Seen by the student, their guardians and admins. 3–6 sentences is good.' },
  clientNote: { label: 'Note to the parent', who: 'Seen by guardians and admins, never by the student.' },
  adminNote: { label: 'Admin note', who: 'Seen by admins only.' },
};

export function NotesSection({ session, template, editable, hints, savingId, onSave }: Props) {
  const present = session.participants.filter((p) => p.present === true);
  return (
    <Paper withBorder p="md" component="section" id={SECTION_IDS.notes} aria-labelledby="notes-heading" tabIndex={-1} style={{ scrollMarginTop: 80 }}>
      <Stack gap="md">
        <Title order={2} size="h4" id="notes-heading">
          Notes
        </Title>
        {present.length === 0 && <Text>Notes are written for the students who are present.</Text>}
        {present.map((p) => (
          <ParticipantNotes key={p.id} participant={p} template={template} editable={editable} hints={hints[p.id] ?? []} saving={savingId === p.id} onSave={onSave} />
        ))}
      </Stack>
    </Paper>
  );
}

function ParticipantNotes({
  participant,
  template,
  editable,
  hints,
  saving,
  onSave,
}: {
  participant: Participant;
  template: string | null | undefined;
  editable: boolean;
  hints: string[];
  saving: boolean;
  onSave: Props['onSave'];
}) {
  // What is typed is kept in the tab as it is typed, so a reload before the field is left loses nothing.
  const draftName = (field: NoteField) => `draft.${participant.id}.${field}`;
  const [drafts, setDrafts] = useState<Record<NoteField, string>>(() => ({
    studentNote: readCopy<string>(draftName('studentNote')) ?? participant.studentNote ?? '',
    clientNote: readCopy<string>(draftName('clientNote')) ?? participant.clientNote ?? '',
    adminNote: readCopy<string>(draftName('adminNote')) ?? participant.adminNote ?? '',
  }));
  const [more, setMore] = useState(Boolean(participant.clientNote || participant.adminNote));
  const saved = (field: NoteField) => participant[field] ?? '';
  const unsaved = editable && (['studentNote', 'clientNote', 'adminNote'] as const).some((f) => drafts[f].trim() !== saved(f).trim());
  const save = (field: NoteField) => {
    const value = drafts[field].trim();
    // Handed to the session's writes, which send it or keep it offline: the draft's job is done.
    removeCopy(draftName(field));
    if (value === saved(field).trim()) return;
    onSave(participant, { [field]: value === '' ? null : value });
  };
  const field = (name: NoteField) => (
    <Textarea
      id={name === 'studentNote' ? `note-${participant.id}` : undefined}
      styles={{ input: { scrollMarginTop: 120 } }}
      label={`${AUDIENCE[name].label}${name === 'studentNote' ? ` to ${participant.name}` : ` about ${participant.name}`}`}
      description={AUDIENCE[name].who}
      placeholder={name === 'studentNote' && template ? template : undefined}
      autosize
      minRows={name === 'studentNote' ? 3 : 2}
      maxLength={4000}
      value={drafts[name]}
      readOnly={!editable}
      onChange={(e) => {
        const value = e.currentTarget.value;
        writeCopy(draftName(name), value);
        setDrafts((old) => ({ ...old, [name]: value }));
      }}
      onBlur={() => editable && save(name)}
    />
  );
  return (
    <Stack gap="xs" data-testid={`notes-${participant.personId}`}>
      {field('studentNote')}
      {editable && template && !drafts.studentNote && (
        <Group>
          <Button variant="subtle" size="compact-sm" onClick={() => setDrafts((old) => ({ ...old, studentNote: template }))}>
            Start from the template
          </Button>
        </Group>
      )}
      {hints.length > 0 && (
        <Alert styles={READABLE_ALERT} color="blue" variant="light" title="A suggestion (does not stop posting)">
          {hints.map((h) => (
            <Text key={h} size="sm">
              {h}
            </Text>
          ))}
        </Alert>
      )}
      <Group gap="xs">
        <Button variant="subtle" size="compact-sm" onClick={() => setMore((m) => !m)} aria-expanded={more}>
          {more ? 'Fewer notes' : 'More notes (parent, admin)'}
        </Button>
        {saving && <Text size="sm">Saving…</Text>}
        {!saving && unsaved && <Text size="sm">Not saved yet: it is saved when you leave the field.</Text>}
      </Group>
      <Collapse expanded={more}>
        <Stack gap="xs">
          {participant.kind === 'student' && field('clientNote')}
          {field('adminNote')}
        </Stack>
      </Collapse>
    </Stack>
  );
}
