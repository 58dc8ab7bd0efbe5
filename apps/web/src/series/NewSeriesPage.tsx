/*
 * A new series: group or individual, the students (a group of the provider's,
 * or students searched for), service, school when the provider works at
 * several, work order, first date and time in the district's zone, duration,
 * the repeat pattern, place. The API decides; a refusal is shown in words.
 */
import { Button, Group, NumberInput, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { fieldErrors } from '../ui/ApiErrorAlert';
import { addDays, localDate } from '../today/local-time';
import { useMyWorkOrders } from '../sessions/api';
import { idempotencyKey, useCatalogServices, useCreateSeries, useMyGroupList, useSchoolList, type CreateSeriesBody } from './api';
import { humanize } from './format';
import { RecurrenceFields } from './RecurrenceFields';
import { buildRrule, recurrenceProblems, weekdayOf, type RecurrenceProblems, type WeeklyRecurrence } from './rrule';
import { SeriesError } from './SeriesError';
import { StudentPicker, type PickedStudent } from './StudentPicker';

const AD_HOC = 'students';
const NO_WORK_ORDER = 'none';
const FORM_FIELDS = ['service', 'type', 'groupId', 'studentIds', 'schoolId', 'workOrderId', 'start', 'durationMinutes', 'rrule', 'placeOfService', 'description'];

export function NewSeriesPage() {
  const { me, district } = useCurrentUser();
  const navigate = useNavigate();
  const services = useCatalogServices();
  const schools = useSchoolList();
  const groups = useMyGroupList(me.userId);
  const create = useCreateSeries();
  const [key, setKey] = useState(idempotencyKey);

  const tomorrow = addDays(localDate(new Date(), district.timeZone), 1);
  const [start, setStart] = useState(`${tomorrow}T15:00`);
  const [recurrence, setRecurrence] = useState<WeeklyRecurrence>(() => ({ weekdays: [weekdayOf(tomorrow) ?? 'MO'], interval: 1, end: { kind: 'count', count: 10 } }));
  const [weekdaysTouched, setWeekdaysTouched] = useState(false);
  const [type, setType] = useState<'group' | 'individual'>('group');
  const [groupChoice, setGroupChoice] = useState<string | null>(null);
  const [students, setStudents] = useState<PickedStudent[]>([]);
  const [service, setService] = useState<string | null>(null);
  const [schoolChoice, setSchoolChoice] = useState<string | null>(null);
  const [workOrderChoice, setWorkOrderChoice] = useState<string | null>(null);
  const [duration, setDuration] = useState<number | string>(45);
  const [place, setPlace] = useState('');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [recurrenceShown, setRecurrenceShown] = useState<RecurrenceProblems>({});

  const myServices = (services.data ?? []).filter((s) => s.participantKind === (me.providerKind === 'coach' ? 'staff' : 'student'));
  const serviceOptions = myServices.length ? myServices : (services.data ?? []);
  const serviceCode = service ?? serviceOptions[0]?.code ?? null;
  const mySchoolIds = me.schoolIds ?? [];
  const severalSchools = mySchoolIds.length > 1;
  const groupValue = type === 'individual' ? AD_HOC : (groupChoice ?? (groups.data?.length === 0 ? AD_HOC : null));
  const group = groups.data?.find((g) => g.id === groupValue);
  const schoolId = group?.schoolId ?? schoolChoice ?? (severalSchools ? null : (mySchoolIds[0] ?? null));
  const schoolName = (id: string) => schools.data?.find((s) => s.id === id)?.name ?? 'School';
  const firstDay = /^\d{4}-\d{2}-\d{2}/.test(start) ? start.slice(0, 10) : tomorrow;
  const workOrders = useMyWorkOrders(me.userId, firstDay);
  const workOrdersHere = (workOrders.data ?? []).filter((w) => !schoolId || w.schoolId === schoolId);
  const workOrderId = workOrderChoice ?? (workOrdersHere.length === 1 ? workOrdersHere[0].id : null);
  const api = fieldErrors(create.error);
  const shown = (field: string) => missing[field] ?? api[field];

  function changeStart(value: string) {
    setStart(value);
    // Until the days are chosen by hand, the series repeats on the first session's weekday.
    const day = weekdayOf(value);
    if (!weekdaysTouched && day) setRecurrence((current) => ({ ...current, weekdays: [day] }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!serviceCode) problems.service = 'Choose the service';
    if (groupValue === null) problems.groupId = 'Choose a group, or choose the students';
    if (groupValue === AD_HOC && students.length === 0) problems.studentIds = type === 'individual' ? 'Choose the student' : 'Choose at least one student';
    if (severalSchools && !schoolId) problems.schoolId = 'Choose the school';
    if (!workOrderId) problems.workOrderId = 'Choose a work order, or none';
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(start)) problems.start = 'Give the first date and time';
    if (typeof duration !== 'number') problems.durationMinutes = 'Give the length in minutes';
    const repeat = recurrenceProblems(recurrence);
    setMissing(problems);
    setRecurrenceShown(repeat);
    if (Object.keys(problems).length || Object.keys(repeat).length || !serviceCode) return;
    const body: CreateSeriesBody = { service: serviceCode, type, start, durationMinutes: duration as number, rrule: buildRrule(recurrence) };
    if (group) body.groupId = group.id;
    else body.studentIds = students.map((student) => student.id);
    if (schoolId && severalSchools) body.schoolId = schoolId;
    if (workOrderId && workOrderId !== NO_WORK_ORDER) body.workOrderId = workOrderId;
    if (place.trim()) body.placeOfService = place.trim();
    if (description.trim()) body.description = description.trim();
    const sendKey = create.isError ? idempotencyKey() : key;
    setKey(sendKey);
    create.mutate({ body, key: sendKey }, { onSuccess: (series) => navigate(`/series/${series.id}`, { state: { created: true } }) });
  }

  return (
    <Stack maw={720} mx="auto" gap="md">
      <Title order={1}>New series</Title>
      <Text>Recurring sessions: each occurrence shows on your calendar, ready to start.</Text>
      <form onSubmit={submit} noValidate aria-label="New series">
        <Stack gap="md">
          {serviceOptions.length === 1 && <Text>Service: {serviceOptions[0].name || humanize(serviceOptions[0].code)}</Text>}
          {serviceOptions.length > 1 && (
            <Select
              label="Service"
              data={serviceOptions.map((s) => ({ value: s.code, label: s.name }))}
              value={serviceCode}
              onChange={setService}
              allowDeselect={false}
              error={shown('service')}
            />
          )}
          <Radio.Group label="Kind of session" value={type} onChange={(value) => setType(value as 'group' | 'individual')} error={shown('type')}>
            <Group gap="lg" mt="xs">
              <Radio value="group" label="Group" />
              <Radio value="individual" label="Individual (one student)" />
            </Group>
          </Radio.Group>
          {type === 'group' && (
            <Radio.Group label="Students" value={groupValue} onChange={setGroupChoice} error={shown('groupId')}>
              <Stack gap="xs" mt="xs">
                {(groups.data ?? []).map((g) => (
                  <Radio key={g.id} value={g.id} label={`${g.name} (${g.memberCount} students${severalSchools ? `, ${schoolName(g.schoolId)}` : ''})`} />
                ))}
                <Radio value={AD_HOC} label="Choose the students (no group)" />
              </Stack>
            </Radio.Group>
          )}
          {groupValue === AD_HOC && <StudentPicker value={students} onChange={setStudents} single={type === 'individual'} error={shown('studentIds')} />}
          {severalSchools && !group && (
            <Select
              label="School"
              description="You work at more than one school: the series belongs to one"
              placeholder="Choose the school"
              data={mySchoolIds.map((id) => ({ value: id, label: schoolName(id) }))}
              value={schoolChoice}
              onChange={(value) => {
                setSchoolChoice(value);
                setWorkOrderChoice(null);
              }}
              error={shown('schoolId')}
            />
          )}
          <Radio.Group label="Work order" value={workOrderId} onChange={setWorkOrderChoice} error={shown('workOrderId')}>
            <Stack gap="xs" mt="xs">
              {workOrdersHere.map((w) => (
                <Radio key={w.id} value={w.id} label={`${w.typeName}${w.description ? `: ${w.description}` : ''}`} />
              ))}
              <Radio value={NO_WORK_ORDER} label="None: time tracking only" description="Sessions are never paid unless a work order is assigned later" />
            </Stack>
          </Radio.Group>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              type="datetime-local"
              label="First session"
              description={`Date and time in ${district.timeZone}`}
              value={start}
              onChange={(event) => changeStart(event.currentTarget.value)}
              error={shown('start')}
              required
              miw={220}
            />
            <NumberInput label="Minutes" description="5 to 1440" value={duration} onChange={setDuration} allowDecimal={false} error={shown('durationMinutes')} required miw={140} />
          </Group>
          <RecurrenceFields
            value={recurrence}
            onChange={(value) => {
              if (value.weekdays !== recurrence.weekdays) setWeekdaysTouched(true);
              setRecurrence(value);
            }}
            problems={recurrenceShown}
            apiProblem={api.rrule}
          />
          <TextInput label="Place of service" description="Optional: a room, or where the sessions happen" value={place} onChange={(event) => setPlace(event.currentTarget.value)} maxLength={200} error={shown('placeOfService')} />
          <TextInput label="Description" description="Optional" value={description} onChange={(event) => setDescription(event.currentTarget.value)} maxLength={2000} error={shown('description')} />
          <SeriesError error={create.error} title="The series could not be created" fieldsShownInForm={FORM_FIELDS} />
          <Group>
            <Button type="submit" size="md" loading={create.isPending}>
              Create series
            </Button>
            <Button component={Link} to="/series" variant="subtle" size="md">
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
