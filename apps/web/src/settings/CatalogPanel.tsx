/*
 * The district's session catalog, edited as a copy of the whole document and
 * sent whole with the version read: services (with their activities,
 * accommodations and note template), coaching log fields, Career Ladder
 * goals, Family Involvement events and subjects.
 */
import { Button, Checkbox, Divider, Group, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { Schemas } from '@sessionledger/api-client';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useCatalog, useSaveCatalog } from './api';
import {
  addCoachingField,
  addGoal,
  addService,
  addWord,
  changeCoachingField,
  changeService,
  CHOICE_TYPES,
  removeAt,
  removeCoachingField,
  removeGoal,
  removeService,
  renameGoal,
  renameWord,
  setNoteTemplate,
  setServiceWords,
  setWords,
  trimmedCatalog,
  wordProblem,
  type Catalog,
  type CoachingFieldType,
  type ParticipantKind,
  type WordList as CatalogWordList,
} from './catalog';
import { SaveProblem, SaveRow, WordList } from './parts';
import { problemFields, problemsUnder } from './stale';

type CatalogReply = Schemas['CatalogReply'];

const FIELD_TYPE_NAMES: Record<CoachingFieldType, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'Yes or no',
  choice: 'One of a list',
  multi_choice: 'Several of a list',
};
const PARTICIPANT_NAMES: Record<ParticipantKind, string> = { student: 'Students', staff: 'Staff (teachers)' };

/** The API's field paths this screen shows beside an input or a list; the others stay in the alert. */
const SHOWN_FIELD =
  /^catalog\.(services\.\d+\.(name|activities(\.\d+)?|accommodations(\.\d+)?|noteTemplate)|coachingFields\.\d+\.(label|options(\.\d+)?)|careerLadderGoals(\.\d+(\.name)?)?|familyInvolvementEvents(\.\d+)?|subjects(\.\d+)?)$/;

export function CatalogPanel() {
  const catalog = useCatalog();
  if (catalog.error) return <ApiErrorAlert error={catalog.error} title="The session catalog could not be loaded" />;
  if (!catalog.data) return <Loading what="the session catalog" height={400} />;
  return <CatalogEditor stored={catalog.data} reload={() => void catalog.refetch()} />;
}

function CatalogEditor({ stored, reload }: { stored: CatalogReply; reload: () => void }) {
  const [draft, setDraft] = useState<{ version: number; catalog: Catalog } | null>(null);
  const version = draft?.version ?? stored.version;
  const catalog = draft?.catalog ?? stored.catalog;
  const save = useSaveCatalog();
  const edit = (next: Catalog) => {
    save.reset();
    setDraft({ version, catalog: next });
  };
  const shownFields = problemFields(save.error).filter((field) => SHOWN_FIELD.test(field));
  const under = (prefix: string) => problemsUnder(save.error, `catalog.${prefix}`);
  const words = (list: CatalogWordList) => ({
    words: catalog[list],
    onAdd: (word: string) => edit(setWords(catalog, list, addWord(catalog[list], word))),
    onRename: (index: number, word: string) => edit(setWords(catalog, list, renameWord(catalog[list], index, word))),
    onRemove: (index: number) => edit(setWords(catalog, list, removeAt(catalog[list], index))),
    problems: under(list),
  });

  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-labelledby="catalog-heading"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ version, catalog: trimmedCatalog(catalog) }, { onSuccess: () => setDraft(null) });
      }}
    >
      <Stack gap="lg">
        <div>
          <Title order={2} id="catalog-heading" size="h3">
            Session catalog
          </Title>
          <Text size="sm">What providers choose from when they log a session. Renaming keeps each entry’s code, so sessions already logged keep theirs.</Text>
        </div>

        <Stack gap="sm">
          <Title order={3} size="h4">
            Services
          </Title>
          {catalog.services.map((service, index) => {
            const problems = under(`services.${index}`);
            return (
              <Paper key={service.code} withBorder p="sm" data-testid="catalog-service">
                <Stack gap="sm">
                  <Group justify="space-between" align="flex-end" wrap="wrap">
                    <TextInput
                      label={`Service name (code ${service.code})`}
                      value={service.name}
                      onChange={(e) => edit(changeService(catalog, index, { name: e.currentTarget.value }))}
                      error={problems.name ?? (service.name.trim() ? null : 'Write a name')}
                      style={{ flex: 1, minWidth: 200 }}
                    />
                    <Button variant="default" onClick={() => edit(removeService(catalog, index))} aria-label={`Remove the service “${service.name}”`}>
                      Remove service
                    </Button>
                  </Group>
                  <Text size="sm">Serves: {PARTICIPANT_NAMES[service.participantKind]}</Text>
                  <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                    <div>
                      <Text fw={600} size="sm" mb={4}>
                        Activities
                      </Text>
                      <WordList
                        noun="Activity"
                        of={service.name}
                        words={service.activities}
                        onAdd={(word) => edit(setServiceWords(catalog, index, 'activities', addWord(service.activities, word)))}
                        onRename={(i, word) => edit(setServiceWords(catalog, index, 'activities', renameWord(service.activities, i, word)))}
                        onRemove={(i) => edit(setServiceWords(catalog, index, 'activities', removeAt(service.activities, i)))}
                        problems={under(`services.${index}.activities`)}
                      />
                    </div>
                    <div>
                      <Text fw={600} size="sm" mb={4}>
                        Accommodations
                      </Text>
                      <WordList
                        noun="Accommodation"
                        of={service.name}
                        words={service.accommodations}
                        onAdd={(word) => edit(setServiceWords(catalog, index, 'accommodations', addWord(service.accommodations, word)))}
                        onRename={(i, word) => edit(setServiceWords(catalog, index, 'accommodations', renameWord(service.accommodations, i, word)))}
                        onRemove={(i) => edit(setServiceWords(catalog, index, 'accommodations', removeAt(service.accommodations, i)))}
                        problems={under(`services.${index}.accommodations`)}
                      />
                    </div>
                  </SimpleGrid>
                  <Textarea
                    label={`Note template of ${service.name}`}
                    description="Shown to providers when they write a note; empty for none"
                    autosize
                    minRows={2}
                    maxLength={4000}
                    value={service.noteTemplate ?? ''}
                    onChange={(e) => edit(setNoteTemplate(catalog, index, e.currentTarget.value))}
                    error={problems.noteTemplate}
                  />
                </Stack>
              </Paper>
            );
          })}
          <NewService catalog={catalog} onAdd={edit} />
        </Stack>

        <Divider />
        <Stack gap="sm">
          <Title order={3} size="h4">
            Coaching log fields
          </Title>
          {catalog.coachingFields.map((field, index) => {
            const problems = under(`coachingFields.${index}`);
            const choice = CHOICE_TYPES.includes(field.type);
            const options = field.options ?? [];
            return (
              <Paper key={field.name} withBorder p="sm" data-testid="coaching-field">
                <Stack gap="sm">
                  <Group justify="space-between" align="flex-end" wrap="wrap">
                    <TextInput
                      label={`Field label (${FIELD_TYPE_NAMES[field.type]})`}
                      value={field.label}
                      onChange={(e) => edit(changeCoachingField(catalog, index, { label: e.currentTarget.value }))}
                      error={problems.label ?? (field.label.trim() ? null : 'Write a label')}
                      style={{ flex: 1, minWidth: 200 }}
                    />
                    <Button variant="default" onClick={() => edit(removeCoachingField(catalog, index))} aria-label={`Remove the coaching field “${field.label}”`}>
                      Remove field
                    </Button>
                  </Group>
                  <Checkbox label={`“${field.label}” must be filled in`} checked={field.required} onChange={(e) => edit(changeCoachingField(catalog, index, { required: e.currentTarget.checked }))} />
                  {choice && (
                    <div>
                      <Text fw={600} size="sm" mb={4}>
                        Choices
                      </Text>
                      <WordList
                        noun="Choice"
                        of={field.label}
                        words={options}
                        onAdd={(word) => edit(changeCoachingField(catalog, index, { options: addWord(options, word) }))}
                        onRename={(i, word) => edit(changeCoachingField(catalog, index, { options: renameWord(options, i, word) }))}
                        onRemove={(i) => edit(changeCoachingField(catalog, index, { options: removeAt(options, i) }))}
                        problems={{ ...under(`coachingFields.${index}.options`), ...(options.length === 0 ? { '': 'Add at least one choice' } : {}) }}
                      />
                    </div>
                  )}
                </Stack>
              </Paper>
            );
          })}
          <NewCoachingField catalog={catalog} onAdd={edit} />
        </Stack>

        <Divider />
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <Stack gap="xs">
            <Title order={3} size="h4">
              Career Ladder goals
            </Title>
            <WordList
              noun="Goal"
              words={catalog.careerLadderGoals.map((goal) => goal.name)}
              onAdd={(name) => edit(addGoal(catalog, name))}
              onRename={(index, name) => edit(renameGoal(catalog, index, name))}
              onRemove={(index) => edit(removeGoal(catalog, index))}
              problems={Object.fromEntries(Object.entries(under('careerLadderGoals')).map(([key, problem]) => [key.replace(/\.name$/, ''), problem]))}
            />
          </Stack>
          <Stack gap="xs">
            <Title order={3} size="h4">
              Family Involvement events
            </Title>
            <WordList noun="Event" {...words('familyInvolvementEvents')} />
          </Stack>
          <Stack gap="xs">
            <Title order={3} size="h4">
              Subjects
            </Title>
            <WordList noun="Subject" {...words('subjects')} />
          </Stack>
        </SimpleGrid>

        <SaveProblem
          error={save.error}
          title="The catalog was not saved"
          fieldsShownInForm={shownFields}
          onReload={() => {
            save.reset();
            setDraft(null);
            reload();
          }}
        />
        <SaveRow label="Save the catalog" dirty={draft !== null} saving={save.isPending} saved={save.isSuccess} onDiscard={() => setDraft(null)} />
      </Stack>
    </Paper>
  );
}

function NewService({ catalog, onAdd }: { catalog: Catalog; onAdd: (next: Catalog) => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ParticipantKind>('student');
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    const found = wordProblem(
      catalog.services.map((s) => s.name),
      name,
    );
    setProblem(found);
    if (found) return;
    onAdd(addService(catalog, name, kind));
    setName('');
  };
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput label="New service" value={name} onChange={(e) => (setName(e.currentTarget.value), setProblem(null))} error={problem} maxLength={100} style={{ flex: 1, minWidth: 200 }} />
      <Select label="Serves" data={Object.entries(PARTICIPANT_NAMES).map(([value, label]) => ({ value, label }))} value={kind} onChange={(value) => setKind((value as ParticipantKind | null) ?? 'student')} allowDeselect={false} w={180} />
      <Button variant="light" onClick={add}>
        Add the service
      </Button>
    </Group>
  );
}

function NewCoachingField({ catalog, onAdd }: { catalog: Catalog; onAdd: (next: Catalog) => void }) {
  const [label, setLabel] = useState('');
  const [type, setType] = useState<CoachingFieldType>('text');
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    const found = wordProblem(
      catalog.coachingFields.map((f) => f.label),
      label,
    );
    setProblem(found);
    if (found) return;
    onAdd(addCoachingField(catalog, label, type));
    setLabel('');
  };
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput label="New coaching field" value={label} onChange={(e) => (setLabel(e.currentTarget.value), setProblem(null))} error={problem} maxLength={100} style={{ flex: 1, minWidth: 200 }} />
      <Select label="Kind of answer" data={Object.entries(FIELD_TYPE_NAMES).map(([value, name]) => ({ value, label: name }))} value={type} onChange={(value) => setType((value as CoachingFieldType | null) ?? 'text')} allowDeselect={false} w={180} />
      <Button variant="light" onClick={add}>
        Add the field
      </Button>
    </Group>
  );
}
