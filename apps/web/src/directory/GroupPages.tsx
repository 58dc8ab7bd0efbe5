/* Student groups: the searched list, a group's page (name and leader, members, deactivation) and the form for a new group. */
import { Button, Group as Row, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useProviders, useStaffNames } from '../admin/api';
import { NarrowFacts } from '../admin/parts';
import { useDebounced } from '../sessions/useDebounced';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useCreateGroup, useGroup, useGroupList, useSetGroupActive, useSetGroupMembers, useStudentMatches, useUpdateGroup, type Group, type GroupDetail, type Match } from './api';
import { fullName } from './labels';
import { ActiveBadge, Activation, AddByName, DirectoryList, DraftMembers, RecordHeading, RowLink, SaveRefusal, Section, useListParams } from './parts';
import { changeSummary, sameSet, withId, withoutId } from './sets';
import { useSchoolNames } from './StaffPages';
import { savedNote, useRecordDraft } from './useRecordDraft';

const GROUP_FIELDS = ['name', 'schoolId', 'providerId', 'studentIds'];
const members = (count: number) => `${count} ${count === 1 ? 'student' : 'students'}`;

export function GroupListPage() {
  const { params } = useListParams();
  const groups = useGroupList(params);
  const { names: schoolNames } = useSchoolNames();
  const providerIds = useMemo(() => [...new Set((groups.data?.items ?? []).map((group) => group.providerId))], [groups.data]);
  const providerNames = useStaffNames(providerIds);
  return (
    <DirectoryList
      noun="groups"
      searchable
      query={groups}
      create={{ to: '/admin/directory/groups/new', label: 'New group' }}
      columns={[{ label: 'Group' }, { label: 'School', wideOnly: true }, { label: 'Provider', wideOnly: true }, { label: 'Status' }]}
      row={(group: Group) => {
        const school = schoolNames.get(group.schoolId) ?? 'Not known';
        const provider = providerNames.get(group.providerId) ?? 'Not known';
        return (
          <Table.Tr key={group.id} data-testid="directory-row">
            <RowLink to={`/admin/directory/groups/${group.id}`} name={group.name}>
              <Text size="sm">{members(group.memberCount)}</Text>
              <NarrowFacts facts={[school, provider]} />
            </RowLink>
            <Table.Td visibleFrom="sm">{school}</Table.Td>
            <Table.Td visibleFrom="sm">{provider}</Table.Td>
            <Table.Td>
              <ActiveBadge active={group.active} />
            </Table.Td>
          </Table.Tr>
        );
      }}
    />
  );
}

export function GroupPage() {
  const { id = '' } = useParams();
  const group = useGroup(id);
  if (group.isPending) return <Loading what="the group" height={240} />;
  if (!group.data) return <ApiErrorAlert error={group.error} title="The group could not be loaded" />;
  return <GroupRecordPage group={group.data} reload={async () => void (await group.refetch())} reloading={group.isFetching} />;
}

function GroupRecordPage({ group, reload, reloading }: { group: GroupDetail; reload: () => Promise<void>; reloading: boolean }) {
  const activation = useSetGroupActive(group.id);
  const { names } = useSchoolNames();
  return (
    <Stack gap="md">
      <RecordHeading title={group.name} active={group.active} back={{ to: '/admin/directory/groups', label: 'Groups' }} />
      <Text size="sm">At {names.get(group.schoolId) ?? 'a school you do not administer'}</Text>
      <GroupEditor key={group.id} group={group} reload={reload} reloading={reloading} />
      <GroupMembers key={`${group.id}-members`} group={group} />
      <Activation name={group.name} active={group.active} consequence={`${group.name} is no longer offered for new sessions and series.`} mutation={activation} />
    </Stack>
  );
}

function GroupEditor({ group, reload, reloading }: { group: GroupDetail; reload: () => Promise<void>; reloading: boolean }) {
  const saving = useUpdateGroup(group.id);
  const saved = { name: group.name, providerId: group.providerId };
  const { draft, change, changes, reloaded, reload: reloadRecord, saved: markSaved } = useRecordDraft(saved, reload, saving.reset);
  const providers = useProviders(group.schoolId);
  const providerNames = useStaffNames([group.providerId]);
  const options = (providers.data ?? []).filter((staff) => staff.active).map((staff) => ({ value: staff.id, label: fullName(staff) }));
  for (const id of [group.providerId, draft.providerId]) {
    if (!options.some((option) => option.value === id)) options.unshift({ value: id, label: providerNames.get(id) ?? 'The current provider' });
  }
  const errors = fieldErrors(saving.error);
  return (
    <Section id="group-details-heading" title="Name and provider">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Name" required value={draft.name} onChange={(e) => change({ name: e.currentTarget.value })} error={errors.name} description={savedNote(reloaded ? saved : undefined, draft, 'name')} />
          <Select
            label="Provider who leads it"
            data={options}
            value={draft.providerId}
            onChange={(providerId) => providerId && change({ providerId })}
            error={errors.providerId}
            searchable
            nothingFoundMessage="No provider of this school by that name"
            description={savedNote(reloaded ? saved : undefined, draft, 'providerId') ? 'Changed since you opened it' : undefined}
          />
        </SimpleGrid>
        <ApiErrorAlert error={providers.error} title="The providers could not be loaded" />
        {reloaded && <Text size="sm">Reloaded. What you typed is kept. Save to replace the saved version.</Text>}
        <SaveRefusal error={saving.error} title="The group was not saved" onReload={() => void reloadRecord()} reloading={reloading} fieldsShownInForm={GROUP_FIELDS} />
        <Row gap="sm">
          <Button onClick={() => saving.mutate({ version: group.version, ...changes }, { onSuccess: markSaved })} loading={saving.isPending} disabled={Object.keys(changes).length === 0}>
            Save name and provider
          </Button>
          {saving.isSuccess && Object.keys(changes).length === 0 && (
            <Text size="sm" aria-live="polite">
              Saved
            </Text>
          )}
        </Row>
      </Stack>
    </Section>
  );
}

/** The group's students, as one set; only active students of the group's school are offered. */
function GroupMembers({ group }: { group: GroupDetail }) {
  const saved = group.members.map((member) => member.studentId);
  const [draft, setDraft] = useState<string[]>(saved);
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const [typed, setTyped] = useState('');
  const matches = useStudentMatches(useDebounced(typed, 300), group.schoolId);
  const saving = useSetGroupMembers(group.id);
  const names = useMemo(() => new Map([...group.members.map((member) => [member.studentId, fullName(member)] as const), ...picked]), [group.members, picked]);
  const changes = changeSummary(saved, draft);
  const add = (match: Match) => {
    setPicked(new Map(picked).set(match.id, match.name));
    setDraft(withId(draft, match.id));
    setTyped('');
  };
  return (
    <Section id="group-members-heading" title={`Members (${members(saved.length)})`}>
      <Stack gap="sm">
        <DraftMembers names={names} ids={draft} onRemove={(id) => setDraft(withoutId(draft, id))} empty="No student in the group." />
        <AddByName label="Add a student of this school" matches={matches} typed={typed} onType={setTyped} exclude={draft} onAdd={add} />
        <ApiErrorAlert error={saving.error} title="The members were not saved" />
        <Row gap="sm">
          <Button onClick={() => saving.mutate(draft)} loading={saving.isPending} disabled={sameSet(saved, draft)}>
            Save the members
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
        </Row>
      </Stack>
    </Section>
  );
}

export function NewGroupPage() {
  const navigate = useNavigate();
  const creating = useCreateGroup();
  const { schools } = useSchoolNames();
  const [draft, setDraft] = useState({ name: '', schoolId: '', providerId: '' });
  const providers = useProviders(draft.schoolId || null);
  const errors = fieldErrors(creating.error);
  const schoolOptions = (schools.data ?? []).filter((school) => school.active).map((school) => ({ value: school.id, label: school.name }));
  const providerOptions = (providers.data ?? []).filter((staff) => staff.active).map((staff) => ({ value: staff.id, label: fullName(staff) }));
  const create = () =>
    creating.mutate({ name: draft.name.trim(), schoolId: draft.schoolId, providerId: draft.providerId }, { onSuccess: (group) => void navigate(`/admin/directory/groups/${group.id}`) });
  return (
    <Stack gap="md">
      <RecordHeading title="New group" back={{ to: '/admin/directory/groups', label: 'Groups' }} />
      <Section id="new-group-heading" title="Details">
        <Stack gap="sm" component="form" onSubmit={(event) => (event.preventDefault(), create())}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={errors.name} />
            <Select label="School" required data={schoolOptions} value={draft.schoolId || null} onChange={(schoolId) => setDraft({ ...draft, schoolId: schoolId ?? '', providerId: '' })} error={errors.schoolId} />
            <Select
              label="Provider who leads it"
              required
              description={draft.schoolId ? 'Providers approved at the school' : 'Choose the school first'}
              data={providerOptions}
              value={draft.providerId || null}
              onChange={(providerId) => setDraft({ ...draft, providerId: providerId ?? '' })}
              error={errors.providerId}
              disabled={!draft.schoolId}
              searchable
            />
          </SimpleGrid>
          <Text size="sm">Add the students on the group’s page once it is created.</Text>
          <ApiErrorAlert error={providers.error} title="The providers could not be loaded" />
          <ApiErrorAlert error={creating.error} title="The group was not created" fieldsShownInForm={GROUP_FIELDS} />
          <Row>
            <Button type="submit" loading={creating.isPending}>
              Create the group
            </Button>
          </Row>
        </Stack>
      </Section>
    </Stack>
  );
}
