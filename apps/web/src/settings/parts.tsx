/* Pieces every settings form shares: the conflict notice, the save row, a list of words to add to, rename and remove from. */
import { Alert, Button, Group, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { READABLE_ALERT } from '../sessions/modalProps';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { wordProblem } from './catalog';
import { isStale, STALE_MESSAGE } from './stale';

/**
 * A save's outcome: on a stale version the form keeps what was typed and
 * offers the newer version (which replaces it); any other refusal in the
 * API's words, its field problems beside the fields that show them.
 */
export function SaveProblem({ error, title, onReload, fieldsShownInForm }: { error: unknown; title: string; onReload: () => void; fieldsShownInForm?: readonly string[] }) {
  if (isStale(error)) {
    return (
      <Alert color="orange" variant="light" role="alert" title={STALE_MESSAGE} styles={READABLE_ALERT} data-testid="stale-alert">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">Your changes are still here and were not saved. Reloading shows the other version and discards yours.</Text>
          <Button variant="default" onClick={onReload}>
            Reload
          </Button>
        </Stack>
      </Alert>
    );
  }
  return <ApiErrorAlert error={error} title={title} fieldsShownInForm={fieldsShownInForm} />;
}

/** "Save" (busy while sending) and "Discard my changes", with what was saved said once, politely. */
export function SaveRow({ label, dirty, saving, saved, onDiscard }: { label: string; dirty: boolean; saving: boolean; saved: boolean; onDiscard: () => void }) {
  return (
    <Group gap="sm">
      <Button type="submit" loading={saving} disabled={!dirty}>
        {label}
      </Button>
      {dirty && (
        <Button variant="subtle" onClick={onDiscard} disabled={saving}>
          Discard my changes
        </Button>
      )}
      <Text size="sm" aria-live="polite" fw={600}>
        {saved && !dirty ? 'Saved.' : ''}
      </Text>
    </Group>
  );
}

export interface WordListProps {
  /** What one entry is ("Activity"), for the inputs' and buttons' names. */
  noun: string;
  /** Whose list this is ("Tutoring"), so the names stay unique on a screen with many lists. */
  of?: string;
  words: readonly string[];
  onAdd: (word: string) => void;
  onRename: (index: number, word: string) => void;
  onRemove: (index: number) => void;
  /** The API's problems by entry index ('' for the list itself). */
  problems?: Record<string, string>;
}

/** Each entry an input to rename it in place, a button to remove it, and an input to add one. */
export function WordList({ noun, of, words, onAdd, onRename, onRemove, problems = {} }: WordListProps) {
  const [adding, setAdding] = useState('');
  const [addProblem, setAddProblem] = useState<string | null>(null);
  const whose = of ? ` of ${of}` : '';
  const add = () => {
    const problem = wordProblem(words, adding);
    setAddProblem(problem);
    if (problem) return;
    onAdd(adding);
    setAdding('');
  };
  return (
    <Stack gap="xs">
      {problems[''] && (
        <Text size="sm" c="red.8" role="alert">
          {problems['']}
        </Text>
      )}
      {words.length === 0 && (
        <Text size="sm" c="dimmed">
          None yet.
        </Text>
      )}
      {words.map((word, index) => (
        <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
          <Textarea
            aria-label={`${noun} ${index + 1}${whose}`}
            autosize
            minRows={1}
            value={word}
            onChange={(event) => onRename(index, event.currentTarget.value.replace(/\n/g, ' '))}
            // An entry is one line: wrapped so a long one is read whole on a phone, but Enter never breaks it.
            onKeyDown={(event) => event.key === 'Enter' && event.preventDefault()}
            error={problems[String(index)] ?? (word.trim() ? wordProblem(words, word, index) : 'Write a name, or remove the entry')}
            style={{ flex: 1, minWidth: 0 }}
          />
          <Button variant="default" onClick={() => onRemove(index)} aria-label={`Remove ${noun.toLowerCase()} “${word}”${whose}`}>
            Remove
          </Button>
        </Group>
      ))}
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <TextInput
          aria-label={`New ${noun.toLowerCase()}${whose}`}
          placeholder={`New ${noun.toLowerCase()}`}
          value={adding}
          onChange={(event) => {
            setAdding(event.currentTarget.value);
            setAddProblem(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
          error={addProblem}
          style={{ flex: 1, minWidth: 0 }}
        />
        <Button variant="light" onClick={add} aria-label={`Add the ${noun.toLowerCase()}${whose}`}>
          Add
        </Button>
      </Group>
    </Stack>
  );
}
