/* Staff groups (teacher groups for coaching reports): the list, a group's members, and the form for a new one. */
import { Button, Group as Row, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useStaffNames } from '../admin/api';
import { useDebounced } from '../sessions/useDebounced';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useCreateStaffGroup, useStaffGroup, useStaffGroupList, useStaffMatches, useSetStaffGroupMembers, type Match, type StaffGroup } from './api';
import { ActiveBadge, AddByName, DirectoryList, DraftMembers, RecordHeading, RowLink, SaveRefusal, Section, useListParams } from './parts';
import { changeSummary, sameSet, withId, withoutId } from './sets';
import { useSchoolNames } from './StaffPages';

const people = (count: number) => `${count} ${count === 1 ? 'member' : 'members'}`;
const DISTRICT_WIDE = 'District-wide';

export function StaffGroupListPage() {
  const { params } = useListParams();
  const groups = useStaffGroupList(params);
  const { names } = useSchoolNames();
  return (
    <DirectoryList
      noun="staff groups"
      searchable={false}
      query={groups}
      create={{ to: '/admin/directory/staff-groups/new', label: 'New staff group' }}
      columns={[{ label: 'Group' }, { label: 'School', wideOnly: true }, { label: 'Status' }]}
      row={(group: StaffGroup) => {
        const school = group.schoolId ? (names.get(group.schoolId) ?? 'Not known') : DISTRICT_WIDE;
        return (
          <Table.Tr key={group.id} data-testid="directory-row">
            <RowLink to={`/admin/directory/staff-groups/${group.id}`} name={group.name}>
              <Text size="sm">{people(group.userIds.length)}</Text>
              <Text size="sm" hiddenFrom="sm">
                {school}
              </Text>
            </RowLink>
            <Table.Td visibleFrom="sm">{school}</Table.Td>
            <Table.Td>
              <ActiveBadge active={group.active} />
            </Table.Td>
          </Table.Tr>
        );
      }}
    />
  );
}

export function StaffGroupPage() {
  const { id = '' } = useParams();
  const group = useStaffGroup(id);
  const { names } = useSchoolNames();
  if (group.isPending) return <Loading what="the staff group" height={240} />;
  if (!group.data) return <ApiErrorAlert error={group.error} title="The staff group could not be loaded" />;
  return (
    <Stack gap="md">
      <RecordHeading title={group.data.name} active={group.data.active} back={{ to: '/admin/directory/staff-groups', label: 'Staff groups' }} />
      <Text size="sm">{group.data.schoolId ? `At ${names.get(group.data.schoolId) ?? 'a school you do not administer'}` : DISTRICT_WIDE}</Text>
      <StaffGroupMembers key={group.data.id} group={group.data} reload={async () => void (await group.refetch())} reloading={group.isFetching} />
    </Stack>
  );
}

/** The members as one set, saved with the version read: someone else's save meanwhile is answered as stale, and the draft stays for a second try. */
function StaffGroupMembers({ group, reload, reloading }: { group: StaffGroup; reload: () => Promise<void>; reloading: boolean }) {
  const [draft, setDraft] = useState<string[]>(group.userIds);
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const [typed, setTyped] = useState('');
  const matches = useStaffMatches(useDebounced(typed, 300));
  const read = useStaffNames(useMemo(() => [...new Set([...group.userIds, ...draft])].filter((id) => !picked.has(id)), [group.userIds, draft, picked]));
  const names = useMemo(() => new Map([...read, ...picked]), [read, picked]);
  const saving = useSetStaffGroupMembers(group.id);
  const changes = changeSummary(group.userIds, draft);
  const add = (match: Match) => {
    setPicked(new Map(picked).set(match.id, match.name));
    setDraft(withId(draft, match.id));
    setTyped('');
  };
  const reloadRecord = async () => {
    await reload();
    saving.reset();
  };
  return (
    <Section id="staff-group-members-heading" title={`Members (${people(group.userIds.length)})`}>
      <Stack gap="sm">
        <DraftMembers names={names} ids={draft} onRemove={(id) => setDraft(withoutId(draft, id))} empty="Nobody is in the group." />
        <AddByName label="Add a staff member" matches={matches} typed={typed} onType={setTyped} exclude={draft} onAdd={add} />
        <SaveRefusal error={saving.error} title="The members were not saved" onReload={() => void reloadRecord()} reloading={reloading} />
        <Row gap="sm">
          <Button onClick={() => saving.mutate({ version: group.version, userIds: draft })} loading={saving.isPending} disabled={sameSet(group.userIds, draft)}>
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

export function NewStaffGroupPage() {
  const navigate = useNavigate();
  const creating = useCreateStaffGroup();
  const { schools } = useSchoolNames();
  const [name, setName] = useState('');
  const [schoolId, setSchoolId] = useState<string | null>(null);
  const errors = fieldErrors(creating.error);
  const create = () => creating.mutate({ name: name.trim(), ...(schoolId ? { schoolId } : {}) }, { onSuccess: (group) => void navigate(`/admin/directory/staff-groups/${group.id}`) });
  return (
    <Stack gap="md">
      <RecordHeading title="New staff group" back={{ to: '/admin/directory/staff-groups', label: 'Staff groups' }} />
      <Section id="new-staff-group-heading" title="Details">
        <Stack gap="sm" component="form" onSubmit={(event) => (event.preventDefault(), create())}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
            <Select
              label="School"
              description="Left empty: a district-wide group (district admins only)"
              placeholder={DISTRICT_WIDE}
              data={(schools.data ?? []).filter((school) => school.active).map((school) => ({ value: school.id, label: school.name }))}
              value={schoolId}
              onChange={setSchoolId}
              clearable
              error={errors.schoolId}
            />
          </SimpleGrid>
          <ApiErrorAlert error={creating.error} title="The staff group was not created" fieldsShownInForm={['name', 'schoolId']} />
          <Row>
            <Button type="submit" loading={creating.isPending}>
              Create the staff group
            </Button>
          </Row>
        </Stack>
      </Section>
    </Stack>
  );
}
