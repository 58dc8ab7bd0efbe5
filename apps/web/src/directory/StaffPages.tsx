/* Staff: the searched list, a new staff member, and a staff member's page with the schools they are approved at and deactivation. */
import { Button, Checkbox, Fieldset, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { Schemas } from '@sessionledger/api-client';
import { useAdminSchools } from '../admin/api';
import { NarrowFacts } from '../admin/parts';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useCreateStaff, useInviteStaff, useSetApprovals, useSetStaffActive, useStaffList, useStaffMember, type StaffMember } from './api';
import { fullName, roleWords, schoolList } from './labels';
import { ActiveBadge, Activation, DirectoryList, RecordHeading, RowLink, Section, useListParams } from './parts';
import { changeSummary, sameSet, withId, withoutId } from './sets';

export function useSchoolNames() {
  const schools = useAdminSchools();
  const names = useMemo(() => new Map((schools.data ?? []).map((school) => [school.id, school.name])), [schools.data]);
  return { schools, names };
}

export function StaffListPage() {
  const { params } = useListParams();
  const staff = useStaffList(params);
  const { names } = useSchoolNames();
  return (
    <DirectoryList
      noun="staff members"
      searchable
      query={staff}
      create={{ to: '/admin/directory/staff/new', label: 'New staff member' }}
      columns={[{ label: 'Name' }, { label: 'Roles', wideOnly: true }, { label: 'Approved at', wideOnly: true }, { label: 'Status' }]}
      row={(member: StaffMember) => (
        <Table.Tr key={member.id} data-testid="directory-row">
          <RowLink to={`/admin/directory/staff/${member.id}`} name={fullName(member)}>
            <NarrowFacts facts={[roleWords(member), schoolList(member.schoolIds, names)]} />
          </RowLink>
          <Table.Td visibleFrom="sm">{roleWords(member)}</Table.Td>
          <Table.Td visibleFrom="sm">{schoolList(member.schoolIds, names)}</Table.Td>
          <Table.Td>
            <ActiveBadge active={member.active} />
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}

export function StaffPage() {
  const { id = '' } = useParams();
  const staff = useStaffMember(id);
  if (staff.isPending) return <Loading what="the staff member" height={240} />;
  if (!staff.data) return <ApiErrorAlert error={staff.error} title="The staff member could not be loaded" />;
  return <StaffRecord member={staff.data} />;
}

function StaffRecord({ member }: { member: StaffMember }) {
  const { names } = useSchoolNames();
  const activation = useSetStaffActive(member.id);
  return (
    <Stack gap="md">
      <RecordHeading title={fullName(member)} active={member.active} back={{ to: '/admin/directory/staff', label: 'Staff' }} />
      <Section id="staff-details-heading" title="Details">
        <Stack gap={4}>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            <strong>E-mail:</strong> {member.email}
          </Text>
          <Text size="sm">
            <strong>Roles:</strong> {roleWords(member)}
          </Text>
          <Text size="sm">
            <strong>Approved at:</strong> {schoolList(member.schoolIds, names)}
          </Text>
        </Stack>
      </Section>
      <ApprovalsEditor key={member.id} member={member} />
      {member.active && <Invitation member={member} />}
      <Activation name={fullName(member)} active={member.active} consequence={`${fullName(member)} can no longer sign in, and is offered nowhere for new sessions.`} mutation={activation} />
    </Stack>
  );
}

/**
 * The schools a provider or school admin works at, as a whole set. A school
 * admin sees only their own schools' boxes; approvals elsewhere are kept as
 * they are and counted under the boxes.
 */
function ApprovalsEditor({ member }: { member: StaffMember }) {
  const { schools, names } = useSchoolNames();
  const [draft, setDraft] = useState<string[]>(member.schoolIds);
  const saving = useSetApprovals(member.id);
  const unseen = draft.filter((id) => !names.has(id)).length;
  const changes = changeSummary(member.schoolIds, draft);
  return (
    <Section id="approvals-heading" title="Schools approved at">
      <ApiErrorAlert error={schools.error} title="The schools could not be loaded" />
      {schools.isPending ? (
        <Loading what="schools" />
      ) : (
        <Stack gap="sm">
          <Fieldset legend={`Schools where ${fullName(member)} may work`} variant="unstyled">
            <Stack gap="xs" mt="xs">
              {(schools.data ?? []).map((school) => (
                <Checkbox
                  key={school.id}
                  label={school.active ? school.name : `${school.name} (inactive)`}
                  checked={draft.includes(school.id)}
                  disabled={!school.active && !draft.includes(school.id)}
                  onChange={(event) => setDraft(event.currentTarget.checked ? withId(draft, school.id) : withoutId(draft, school.id))}
                />
              ))}
            </Stack>
          </Fieldset>
          {unseen > 0 && <Text size="sm">Also approved at {unseen} {unseen === 1 ? 'school' : 'schools'} you do not administer; those stay as they are.</Text>}
          <ApiErrorAlert error={saving.error} title="The approvals were not saved" />
          <Group gap="sm">
            <Button onClick={() => saving.mutate(draft)} loading={saving.isPending} disabled={sameSet(draft, member.schoolIds)}>
              Save the approvals
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
      )}
    </Section>
  );
}

const STAFF_ROLE_CHOICES = [
  { value: 'provider', label: 'Provider' },
  { value: 'school_admin', label: 'School admin' },
  { value: 'district_admin', label: 'District admin' },
  { value: 'payroll', label: 'Payroll' },
] as const;
type StaffRole = (typeof STAFF_ROLE_CHOICES)[number]['value'];
const PROVIDER_KIND_CHOICES = [
  { value: 'tutor', label: 'Tutor' },
  { value: 'coach', label: 'Coach' },
  { value: 'aide', label: 'Aide' },
  { value: 'therapist', label: 'Therapist' },
];
const NEW_STAFF_FIELDS = ['email', 'firstName', 'lastName', 'roles', 'providerKind', 'schoolIds'];

/**
 * A new staff member: who they are, what they do and where. No password is
 * set here: they are sent an invitation from their page (or sign in with the
 * district's single sign-on), so an admin never knows anyone's password.
 */
export function NewStaffPage() {
  const navigate = useNavigate();
  const creating = useCreateStaff();
  const { schools } = useSchoolNames();
  const [draft, setDraft] = useState({ email: '', firstName: '', lastName: '', roles: ['provider'] as StaffRole[], providerKind: 'tutor', schoolIds: [] as string[] });
  const errors = fieldErrors(creating.error);
  const provides = draft.roles.includes('provider');
  const create = () =>
    creating.mutate(
      {
        email: draft.email.trim(),
        firstName: draft.firstName.trim(),
        lastName: draft.lastName.trim(),
        roles: draft.roles,
        ...(provides ? { providerKind: draft.providerKind as Schemas['CreateStaffRequest']['providerKind'] } : {}),
        schoolIds: draft.schoolIds,
      },
      { onSuccess: (member) => void navigate(`/admin/directory/staff/${member.id}`) },
    );
  return (
    <Stack gap="md">
      <RecordHeading title="New staff member" back={{ to: '/admin/directory/staff', label: 'Staff' }} />
      <Section id="new-staff-heading" title="Details">
        <Stack gap="sm" component="form" onSubmit={(event) => (event.preventDefault(), create())}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="E-mail" type="email" required value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })} error={errors.email} description="They sign in with it" />
            <TextInput label="First name" required value={draft.firstName} onChange={(e) => setDraft({ ...draft, firstName: e.currentTarget.value })} error={errors.firstName} />
            <TextInput label="Last name" required value={draft.lastName} onChange={(e) => setDraft({ ...draft, lastName: e.currentTarget.value })} error={errors.lastName} />
            {provides && (
              <Select
                label="Kind of provider"
                required
                data={PROVIDER_KIND_CHOICES}
                value={draft.providerKind}
                onChange={(kind) => setDraft({ ...draft, providerKind: kind ?? 'tutor' })}
                error={errors.providerKind}
                allowDeselect={false}
              />
            )}
          </SimpleGrid>
          <Checkbox.Group label="Roles" required value={draft.roles} onChange={(roles) => setDraft({ ...draft, roles: roles as StaffRole[] })} error={errors.roles}>
            <Group gap="md" mt="xs">
              {STAFF_ROLE_CHOICES.map((role) => (
                <Checkbox key={role.value} value={role.value} label={role.label} />
              ))}
            </Group>
          </Checkbox.Group>
          <Checkbox.Group
            label="Schools approved at"
            description="At least one for a provider or a school admin"
            value={draft.schoolIds}
            onChange={(schoolIds) => setDraft({ ...draft, schoolIds })}
            error={errors.schoolIds}
          >
            <Stack gap="xs" mt="xs">
              {(schools.data ?? [])
                .filter((school) => school.active)
                .map((school) => (
                  <Checkbox key={school.id} value={school.id} label={school.name} />
                ))}
            </Stack>
          </Checkbox.Group>
          <ApiErrorAlert error={creating.error} title="The staff member was not created" fieldsShownInForm={NEW_STAFF_FIELDS} />
          <Group>
            <Button type="submit" loading={creating.isPending}>
              Create the staff member
            </Button>
          </Group>
        </Stack>
      </Section>
    </Stack>
  );
}

/** A staff member signs in after choosing their own password, from the link an invitation e-mails them. */
function Invitation({ member }: { member: StaffMember }) {
  const inviting = useInviteStaff(member.id);
  return (
    <Section id="staff-invitation-heading" title="Invitation">
      <Stack gap="sm">
        <Text size="sm">
          {member.hasPassword ? `${fullName(member)} has a password. A new invitation lets them choose another.` : `${fullName(member)} cannot sign in yet: an invitation e-mails them a link to choose a password.`}
        </Text>
        <ApiErrorAlert error={inviting.error} title="The invitation was not sent" />
        <Group gap="sm">
          <Button variant="light" onClick={() => inviting.mutate()} loading={inviting.isPending}>
            Send an invitation
          </Button>
          {inviting.data && (
            <Text size="sm" aria-live="polite" data-testid="invitation-sent">
              {inviting.data.emailed ? `Sent to ${inviting.data.email}` : `Made for ${inviting.data.email}, but no e-mail could be sent`}
            </Text>
          )}
        </Group>
      </Stack>
    </Section>
  );
}
