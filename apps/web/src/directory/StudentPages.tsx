/* Students: the searched list, a student's page (details, guardians, deactivation) and the form for a new student. */
import { Anchor, Button, Checkbox, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { NarrowFacts } from '../admin/parts';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useCreateStudent, useSetStudentActive, useStudent, useStudentGuardians, useStudentList, useUpdateStudent, type Grade, type StudentRecord } from './api';
import { blankAsNull } from './drafts';
import { fullName } from './labels';
import { ActiveBadge, Activation, DirectoryList, RecordHeading, RowLink, SaveRefusal, Section, useListParams } from './parts';
import { useSchoolNames } from './StaffPages';
import { savedNote, useRecordDraft } from './useRecordDraft';

const GRADES: Grade[] = ['IT', 'PR', 'PK', 'TK', 'K', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', 'PS', 'UG', 'AE'];

interface StudentDraft {
  firstName: string;
  lastName: string;
  localId: string;
  stateId: string;
  grade: Grade | '';
  schoolId: string;
  hasIep: boolean;
}

const STUDENT_FIELDS: (keyof StudentDraft)[] = ['firstName', 'lastName', 'localId', 'stateId', 'grade', 'schoolId', 'hasIep'];

const draftOf = (student: StudentRecord): StudentDraft => ({
  firstName: student.firstName,
  lastName: student.lastName,
  localId: student.localId,
  stateId: student.stateId ?? '',
  grade: student.grade,
  schoolId: student.schoolId,
  hasIep: student.hasIep,
});

export function StudentListPage() {
  const { params } = useListParams();
  const students = useStudentList(params);
  const { names } = useSchoolNames();
  return (
    <DirectoryList
      noun="students"
      searchable
      query={students}
      create={{ to: '/admin/directory/students/new', label: 'New student' }}
      columns={[{ label: 'Name' }, { label: 'Grade', wideOnly: true }, { label: 'School', wideOnly: true }, { label: 'Status' }]}
      row={(student: StudentRecord) => (
        <Table.Tr key={student.id} data-testid="directory-row">
          <RowLink to={`/admin/directory/students/${student.id}`} name={fullName(student)}>
            <NarrowFacts facts={[`Grade ${student.grade}`, names.get(student.schoolId) ?? 'Not known']} />
          </RowLink>
          <Table.Td visibleFrom="sm">{student.grade}</Table.Td>
          <Table.Td visibleFrom="sm">{names.get(student.schoolId) ?? 'Not known'}</Table.Td>
          <Table.Td>
            <ActiveBadge active={student.active} />
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}

export function StudentPage() {
  const { id = '' } = useParams();
  const student = useStudent(id);
  if (student.isPending) return <Loading what="the student" height={240} />;
  if (!student.data) return <ApiErrorAlert error={student.error} title="The student could not be loaded" />;
  return <StudentRecordPage student={student.data} reload={async () => void (await student.refetch())} reloading={student.isFetching} />;
}

function StudentRecordPage({ student, reload, reloading }: { student: StudentRecord; reload: () => Promise<void>; reloading: boolean }) {
  const activation = useSetStudentActive(student.id);
  return (
    <Stack gap="md">
      <RecordHeading title={fullName(student)} active={student.active} back={{ to: '/admin/directory/students', label: 'Students' }} />
      <StudentEditor key={student.id} student={student} reload={reload} reloading={reloading} />
      <StudentGuardians studentId={student.id} />
      <Activation name={fullName(student)} active={student.active} consequence={`${fullName(student)} leaves the lists providers pick from, and their own sign-in stops.`} mutation={activation} />
    </Stack>
  );
}

function StudentEditor({ student, reload, reloading }: { student: StudentRecord; reload: () => Promise<void>; reloading: boolean }) {
  const saving = useUpdateStudent(student.id);
  const saved = draftOf(student);
  const { draft, change, changes, reloaded, reload: reloadRecord, saved: markSaved } = useRecordDraft(saved, reload, saving.reset);
  const save = () => {
    const { grade, stateId, ...rest } = changes;
    saving.mutate({ version: student.version, ...rest, ...(grade ? { grade } : {}), ...(stateId !== undefined ? { stateId: blankAsNull(stateId) } : {}) }, { onSuccess: markSaved });
  };
  return (
    <Section id="student-details-heading" title="Details">
      <Stack gap="sm">
        <StudentFields draft={draft} onChange={change} error={saving.error} saved={reloaded ? saved : undefined} />
        {reloaded && (
          <Text size="sm" data-testid="reloaded">
            Reloaded. What you typed is kept; the saved value is shown under each field that differs. Save to replace it.
          </Text>
        )}
        <SaveRefusal error={saving.error} title="The student was not saved" onReload={() => void reloadRecord()} reloading={reloading} fieldsShownInForm={STUDENT_FIELDS} />
        <Group gap="sm">
          <Button onClick={save} loading={saving.isPending} disabled={Object.keys(changes).length === 0}>
            Save the details
          </Button>
          {saving.isSuccess && Object.keys(changes).length === 0 && (
            <Text size="sm" aria-live="polite" data-testid="saved">
              Saved
            </Text>
          )}
        </Group>
      </Stack>
    </Section>
  );
}

/** The student's fields, each with the API's problem beside it; `saved`, after a reload, shows the server's value under a field typed otherwise. */
function StudentFields({ draft, onChange, error, saved }: { draft: StudentDraft; onChange: (change: Partial<StudentDraft>) => void; error: unknown; saved?: StudentDraft }) {
  const { schools } = useSchoolNames();
  const errors = fieldErrors(error);
  const note = (field: keyof StudentDraft) => savedNote(saved, draft, field);
  const schoolOptions = (schools.data ?? []).filter((school) => school.active || school.id === draft.schoolId).map((school) => ({ value: school.id, label: school.name }));
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextInput label="First name" required value={draft.firstName} onChange={(e) => onChange({ firstName: e.currentTarget.value })} error={errors.firstName} description={note('firstName')} />
      <TextInput label="Last name" required value={draft.lastName} onChange={(e) => onChange({ lastName: e.currentTarget.value })} error={errors.lastName} description={note('lastName')} />
      <TextInput label="Student number" required value={draft.localId} onChange={(e) => onChange({ localId: e.currentTarget.value })} error={errors.localId} description={note('localId') ?? 'The district’s number'} />
      <TextInput label="State id" value={draft.stateId} onChange={(e) => onChange({ stateId: e.currentTarget.value })} error={errors.stateId} description={note('stateId') ?? 'Optional'} />
      <Select label="Grade" required data={GRADES} value={draft.grade || null} onChange={(grade) => onChange({ grade: (grade ?? '') as Grade | '' })} error={errors.grade} description={note('grade')} />
      <Select
        label="School"
        required
        data={schoolOptions}
        value={draft.schoolId || null}
        onChange={(schoolId) => onChange({ schoolId: schoolId ?? '' })}
        error={errors.schoolId}
        description={note('schoolId') ? 'Changed since you opened it' : undefined}
      />
      <Checkbox label="Has an IEP" checked={draft.hasIep} onChange={(e) => onChange({ hasIep: e.currentTarget.checked })} error={errors.hasIep} />
    </SimpleGrid>
  );
}

function StudentGuardians({ studentId }: { studentId: string }) {
  const guardians = useStudentGuardians(studentId);
  return (
    <Section id="student-guardians-heading" title="Guardians">
      <ApiErrorAlert error={guardians.error} title="The guardians could not be loaded" />
      {guardians.isPending ? (
        <Loading what="guardians" />
      ) : guardians.data?.length === 0 ? (
        <Text size="sm">No guardian is linked. Link one from the guardian’s page.</Text>
      ) : (
        <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="student-guardians">
          {(guardians.data ?? []).map((guardian) => (
            <Group key={guardian.id} component="li" gap="xs">
              <Anchor component={Link} to={`/admin/directory/guardians/${guardian.id}`}>
                {fullName(guardian)}
              </Anchor>
              {guardian.relationship && <Text size="sm">({guardian.relationship})</Text>}
              {!guardian.active && <ActiveBadge active={false} />}
            </Group>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function NewStudentPage() {
  const navigate = useNavigate();
  const creating = useCreateStudent();
  const [draft, setDraft] = useState<StudentDraft>({ firstName: '', lastName: '', localId: '', stateId: '', grade: '', schoolId: '', hasIep: false });
  const create = () => {
    const { grade, stateId, ...rest } = draft;
    creating.mutate(
      { ...rest, firstName: rest.firstName.trim(), lastName: rest.lastName.trim(), localId: rest.localId.trim(), grade: grade as Grade, ...(stateId.trim() ? { stateId: stateId.trim() } : {}) },
      { onSuccess: (student) => void navigate(`/admin/directory/students/${student.id}`) },
    );
  };
  return (
    <Stack gap="md">
      <RecordHeading title="New student" back={{ to: '/admin/directory/students', label: 'Students' }} />
      <Section id="new-student-heading" title="Details">
        <Stack gap="sm" component="form" onSubmit={(event) => (event.preventDefault(), create())}>
          <StudentFields draft={draft} onChange={(change) => setDraft({ ...draft, ...change })} error={creating.error} />
          <ApiErrorAlert error={creating.error} title="The student was not created" fieldsShownInForm={STUDENT_FIELDS} />
          <Group>
            <Button type="submit" loading={creating.isPending}>
              Create the student
            </Button>
          </Group>
        </Stack>
      </Section>
    </Stack>
  );
}
