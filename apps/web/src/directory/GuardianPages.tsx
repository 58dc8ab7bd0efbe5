/* Guardians: the searched list, a guardian's page (details, the children they are linked to, deactivation) and the form for a new guardian. */
import { Button, Group, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { NarrowFacts } from '../admin/parts';
import { useDebounced } from '../sessions/useDebounced';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useCreateGuardian, useGuardian, useGuardianList, useSetGuardianActive, useSetGuardianStudents, useStudentMatches, useStudentNames, useUpdateGuardian, type Guardian, type Match } from './api';
import { blankAsNull } from './drafts';
import { fullName } from './labels';
import { ActiveBadge, Activation, AddByName, DirectoryList, DraftMembers, RecordHeading, RowLink, SaveRefusal, Section, useListParams } from './parts';
import { changeSummary, sameSet, withId, withoutId } from './sets';
import { savedNote, useRecordDraft } from './useRecordDraft';

interface GuardianDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

const GUARDIAN_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'relationship', 'studentIds'];

const draftOf = (guardian: Guardian): GuardianDraft => ({ firstName: guardian.firstName, lastName: guardian.lastName, email: guardian.email ?? '', phone: guardian.phone ?? '' });

const children = (count: number) => `${count} ${count === 1 ? 'child' : 'children'}`;

export function GuardianListPage() {
  const { params } = useListParams();
  const guardians = useGuardianList(params);
  return (
    <DirectoryList
      noun="guardians"
      searchable
      query={guardians}
      create={{ to: '/admin/directory/guardians/new', label: 'New guardian' }}
      columns={[{ label: 'Name' }, { label: 'Contact', wideOnly: true }, { label: 'Children', wideOnly: true }, { label: 'Status' }]}
      row={(guardian: Guardian) => (
        <Table.Tr key={guardian.id} data-testid="directory-row">
          <RowLink to={`/admin/directory/guardians/${guardian.id}`} name={fullName(guardian)}>
            <NarrowFacts facts={[guardian.email ?? guardian.phone ?? 'No contact', children(guardian.students.length)]} />
          </RowLink>
          <Table.Td visibleFrom="sm" style={{ overflowWrap: 'anywhere' }}>
            {guardian.email ?? guardian.phone ?? 'None'}
          </Table.Td>
          <Table.Td visibleFrom="sm">{children(guardian.students.length)}</Table.Td>
          <Table.Td>
            <ActiveBadge active={guardian.active} />
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}

export function GuardianPage() {
  const { id = '' } = useParams();
  const guardian = useGuardian(id);
  if (guardian.isPending) return <Loading what="the guardian" height={240} />;
  if (!guardian.data) return <ApiErrorAlert error={guardian.error} title="The guardian could not be loaded" />;
  return <GuardianRecordPage guardian={guardian.data} reload={async () => void (await guardian.refetch())} reloading={guardian.isFetching} />;
}

function GuardianRecordPage({ guardian, reload, reloading }: { guardian: Guardian; reload: () => Promise<void>; reloading: boolean }) {
  const activation = useSetGuardianActive(guardian.id);
  return (
    <Stack gap="md">
      <RecordHeading title={fullName(guardian)} active={guardian.active} back={{ to: '/admin/directory/guardians', label: 'Guardians' }} />
      <GuardianEditor key={guardian.id} guardian={guardian} reload={reload} reloading={reloading} />
      <GuardianChildren key={`${guardian.id}-children`} guardian={guardian} />
      <Activation name={fullName(guardian)} active={guardian.active} consequence={`${fullName(guardian)} can no longer sign in to see their children’s sessions.`} mutation={activation} />
    </Stack>
  );
}

function GuardianEditor({ guardian, reload, reloading }: { guardian: Guardian; reload: () => Promise<void>; reloading: boolean }) {
  const saving = useUpdateGuardian(guardian.id);
  const saved = draftOf(guardian);
  const { draft, change, changes, reloaded, reload: reloadRecord, saved: markSaved } = useRecordDraft(saved, reload, saving.reset);
  const errors = fieldErrors(saving.error);
  const note = (field: keyof GuardianDraft) => savedNote(reloaded ? saved : undefined, draft, field);
  const save = () => {
    const { email, phone, ...names } = changes;
    saving.mutate({ version: guardian.version, ...names, email: blankAsNull(email), phone: blankAsNull(phone) }, { onSuccess: markSaved });
  };
  return (
    <Section id="guardian-details-heading" title="Details">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="First name" required value={draft.firstName} onChange={(e) => change({ firstName: e.currentTarget.value })} error={errors.firstName} description={note('firstName')} />
          <TextInput label="Last name" required value={draft.lastName} onChange={(e) => change({ lastName: e.currentTarget.value })} error={errors.lastName} description={note('lastName')} />
          <TextInput label="E-mail" type="email" value={draft.email} onChange={(e) => change({ email: e.currentTarget.value })} error={errors.email} description={note('email') ?? 'Optional'} />
          <TextInput label="Phone" type="tel" value={draft.phone} onChange={(e) => change({ phone: e.currentTarget.value })} error={errors.phone} description={note('phone') ?? 'Optional'} />
        </SimpleGrid>
        {reloaded && <Text size="sm">Reloaded. What you typed is kept; the saved value is shown under each field that differs. Save to replace it.</Text>}
        <SaveRefusal error={saving.error} title="The guardian was not saved" onReload={() => void reloadRecord()} reloading={reloading} fieldsShownInForm={GUARDIAN_FIELDS} />
        <Group gap="sm">
          <Button onClick={save} loading={saving.isPending} disabled={Object.keys(changes).length === 0}>
            Save the details
          </Button>
          {saving.isSuccess && Object.keys(changes).length === 0 && (
            <Text size="sm" aria-live="polite">
              Saved
            </Text>
          )}
        </Group>
      </Stack>
    </Section>
  );
}

/** Names for a draft of students: those read from the API, and those just picked from a search. */
function useDraftNames(ids: readonly string[], picked: ReadonlyMap<string, string>) {
  const read = useStudentNames(ids.filter((id) => !picked.has(id)));
  return useMemo(() => new Map([...read, ...picked]), [read, picked]);
}

/** The students a guardian is linked to, as one set (the API keeps links to students other admins administer). */
function GuardianChildren({ guardian }: { guardian: Guardian }) {
  const saved = guardian.students.map((link) => link.studentId);
  const [draft, setDraft] = useState<string[]>(saved);
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const [typed, setTyped] = useState('');
  const matches = useStudentMatches(useDebounced(typed, 300));
  const names = useDraftNames(draft, picked);
  const saving = useSetGuardianStudents(guardian.id);
  const changes = changeSummary(saved, draft);
  const add = (match: Match) => {
    setPicked(new Map(picked).set(match.id, match.name));
    setDraft(withId(draft, match.id));
    setTyped('');
  };
  return (
    <Section id="guardian-children-heading" title="Children">
      <Stack gap="sm">
        <DraftMembers names={names} ids={draft} onRemove={(id) => setDraft(withoutId(draft, id))} empty="No student is linked. A guardian needs at least one." />
        <AddByName label="Link a student" matches={matches} typed={typed} onType={setTyped} exclude={draft} onAdd={add} />
        <ApiErrorAlert error={saving.error} title="The children were not saved" />
        <Group gap="sm">
          <Button onClick={() => saving.mutate(draft)} loading={saving.isPending} disabled={sameSet(saved, draft)}>
            Save the children
          </Button>
          {changes ? (
            <Text size="sm" aria-live="polite">
              Not saved yet: {changes}
            </Text>
          ) : (
            saving.isSuccess && (
              <Text size="sm" aria-live="polite" data-testid="saved">
                Saved
              </Text>
            )
          )}
        </Group>
      </Stack>
    </Section>
  );
}

export function NewGuardianPage() {
  const navigate = useNavigate();
  const creating = useCreateGuardian();
  const [draft, setDraft] = useState({ firstName: '', lastName: '', email: '', phone: '', relationship: '' });
  const [studentIds, setStudentIds] = useState<string[]>([]);
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const [typed, setTyped] = useState('');
  const matches = useStudentMatches(useDebounced(typed, 300));
  const errors = fieldErrors(creating.error);
  const change = (part: Partial<typeof draft>) => setDraft({ ...draft, ...part });
  const create = () =>
    creating.mutate(
      {
        firstName: draft.firstName.trim(),
        lastName: draft.lastName.trim(),
        email: blankAsNull(draft.email),
        phone: blankAsNull(draft.phone),
        relationship: blankAsNull(draft.relationship),
        studentIds,
      },
      { onSuccess: (guardian) => void navigate(`/admin/directory/guardians/${guardian.id}`) },
    );
  return (
    <Stack gap="md">
      <RecordHeading title="New guardian" back={{ to: '/admin/directory/guardians', label: 'Guardians' }} />
      <Section id="new-guardian-heading" title="Details">
        <Stack gap="sm" component="form" onSubmit={(event) => (event.preventDefault(), create())}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="First name" required value={draft.firstName} onChange={(e) => change({ firstName: e.currentTarget.value })} error={errors.firstName} />
            <TextInput label="Last name" required value={draft.lastName} onChange={(e) => change({ lastName: e.currentTarget.value })} error={errors.lastName} />
            <TextInput label="E-mail" type="email" description="Optional" value={draft.email} onChange={(e) => change({ email: e.currentTarget.value })} error={errors.email} />
            <TextInput label="Phone" type="tel" description="Optional" value={draft.phone} onChange={(e) => change({ phone: e.currentTarget.value })} error={errors.phone} />
            <TextInput label="Relationship" description="Optional, e.g. mother" value={draft.relationship} onChange={(e) => change({ relationship: e.currentTarget.value })} error={errors.relationship} />
          </SimpleGrid>
          <Text fw={500} size="sm">
            Children
          </Text>
          <DraftMembers names={picked} ids={studentIds} onRemove={(id) => setStudentIds(withoutId(studentIds, id))} empty="None yet: link at least one student." />
          {errors.studentIds && (
            <Text size="sm" c="red.8" role="alert">
              {errors.studentIds}
            </Text>
          )}
          <AddByName
            label="Link a student"
            matches={matches}
            typed={typed}
            onType={setTyped}
            exclude={studentIds}
            onAdd={(match) => {
              setPicked(new Map(picked).set(match.id, match.name));
              setStudentIds(withId(studentIds, match.id));
              setTyped('');
            }}
          />
          <ApiErrorAlert error={creating.error} title="The guardian was not created" fieldsShownInForm={GUARDIAN_FIELDS} />
          <Group>
            <Button type="submit" loading={creating.isPending}>
              Create the guardian
            </Button>
          </Group>
        </Stack>
      </Section>
    </Stack>
  );
}
