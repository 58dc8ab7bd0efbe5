/*
 * New session: a group or none (ad hoc), a work order or none (time tracking
 * only), the school when the provider works at several, the start. Started
 * from a calendar occurrence (`?seriesId=&occurrenceStart=`), the series
 * gives the rest. The API decides; its refusal is shown with the way out.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, NumberInput, Paper, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { call, useApi } from '../api/useApi';
import {
  idempotencyKey,
  sessionKeys,
  useActiveSession,
  useCatalog,
  useMyGroups,
  useMyWorkOrders,
  useSchools,
  useServiceName,
  type StartSessionBody,
} from './api';
import { SessionError } from './SessionError';
import { fieldErrors as fieldProblems } from '../ui/ApiErrorAlert';
import { useCurrentUser } from '../auth/useCurrentUser';
import { localDate, zoneName } from '../today/local-time';
import { formatDateTime, fromLocalInput, nowToTheMinute, toLocalInput } from './time';
import { useMe } from './useMe';
import { READABLE_ALERT } from './modalProps';

const AD_HOC = 'ad-hoc';
const TIME_TRACKING = 'time-tracking';
const CAREER_LADDER = 'career_ladder';

export function NewSessionPage() {
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const seriesId = params.get('seriesId');
  const occurrenceStart = params.get('occurrenceStart');
  const fromOccurrence = Boolean(seriesId && occurrenceStart);

  const catalog = useCatalog();
  const serviceName = useServiceName();
  const schools = useSchools();
  const groups = useMyGroups(me?.userId);
  const { district } = useCurrentUser();
  const timeZone = district.timeZone;
  // The start is the district's wall clock, whatever the device's zone.
  const [startedAt, setStartedAt] = useState(() => toLocalInput(nowToTheMinute(), timeZone));
  // Work orders cover district-local days.
  const startDay = localDate(new Date(fromLocalInput(startedAt, timeZone) ?? Date.now()), timeZone);
  const workOrders = useMyWorkOrders(me?.userId, startDay);
  const active = useActiveSession(me?.userId);
  const series = useQuery({
    queryKey: ['series', seriesId],
    enabled: fromOccurrence,
    queryFn: async () => (await call(api.GET('/api/series/{id}', { params: { path: { id: seriesId as string } } }))),
  });

  const myServices = useMemo(() => {
    const kind = me?.providerKind === 'coach' ? 'staff' : 'student';
    const services = catalog.data?.services ?? [];
    const fitting = services.filter((s) => s.participantKind === kind);
    return fitting.length ? fitting : services;
  }, [catalog.data, me?.providerKind]);

  const [service, setService] = useState<string | null>(params.get('service'));
  const [groupChoice, setGroupChoice] = useState<string | null>(params.get('groupId'));
  const [schoolChoice, setSchoolChoice] = useState<string | null>(params.get('schoolId'));
  const [workOrderChoice, setWorkOrderChoice] = useState<string | null>(params.get('workOrderId'));
  const [description, setDescription] = useState('');
  const [familyInvolvement, setFamilyInvolvement] = useState(false);
  const [plannedMinutes, setPlannedMinutes] = useState<number | string>('');

  const serviceCode = service ?? series.data?.service ?? myServices[0]?.code ?? null;
  const serviceDef = catalog.data?.services.find((s) => s.code === serviceCode);
  const coaching = serviceDef?.participantKind === 'staff';
  const mySchoolIds = me?.schoolIds ?? [];
  const severalSchools = mySchoolIds.length > 1;
  // Without groups, the only way is ad hoc; one group that fits (of the school chosen, or of the only school) is the default,
  // as the lone work order is (a choice saved is an interaction saved). Several: the provider chooses.
  const chosenSchool = schoolChoice ?? (severalSchools ? null : (mySchoolIds[0] ?? null));
  const fittingGroups = (groups.data ?? []).filter((g) => !chosenSchool || g.schoolId === chosenSchool);
  const loneGroup = !fromOccurrence && !coaching && fittingGroups.length === 1 ? fittingGroups[0].id : null;
  const groupValue = groupChoice ?? (groups.data && groups.data.length === 0 ? AD_HOC : loneGroup);
  const group = groups.data?.find((g) => g.id === groupValue);
  // A group belongs to one school: choosing it chooses the school.
  const schoolId = group?.schoolId ?? schoolChoice ?? series.data?.schoolId ?? (severalSchools ? null : (mySchoolIds[0] ?? null));
  const schoolName = (id: string) => schools.data?.find((s) => s.id === id)?.name ?? 'School';
  const groupsHere = (groups.data ?? []).filter((g) => !schoolId || g.schoolId === schoolId || g.id === groupValue);
  const workOrdersHere = (workOrders.data ?? []).filter((w) => !schoolId || w.schoolId === schoolId);
  // One work order fits: it is the default (a choice saved is an interaction saved).
  const workOrderId = workOrderChoice ?? (fromOccurrence ? null : workOrdersHere.length === 1 ? workOrdersHere[0].id : null);
  const workOrder = workOrdersHere.find((w) => w.id === workOrderId);
  const careerLadder = workOrder?.type === CAREER_LADDER;
  /** A chosen work order stays chosen when the school changes, if it covers that school (time tracking only always does). */
  const keepWorkOrderAt = (school: string | null) => {
    if (workOrderChoice === TIME_TRACKING) return;
    if (!workOrders.data?.some((w) => w.id === workOrderChoice && w.schoolId === school)) setWorkOrderChoice(null);
  };

  const start = useMutation({
    mutationFn: async (vars: { body: StartSessionBody; key: string }) =>
      (await call(api.POST('/api/sessions', { body: vars.body, headers: { 'Idempotency-Key': vars.key } }))),
    onSuccess: (session) => {
      queryClient.setQueryData(sessionKeys.one(session.id), session);
      void queryClient.invalidateQueries({ queryKey: sessionKeys.all });
      navigate(`/sessions/${session.id}`);
    },
  });
  const [key] = useState(idempotencyKey);
  const fields = fieldProblems(start.error);
  const [missing, setMissing] = useState<string[]>([]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const at = fromLocalInput(startedAt, timeZone);
    const problems: string[] = [];
    if (!at) problems.push('startedAt');
    if (!fromOccurrence && !serviceCode) problems.push('service');
    if (!fromOccurrence && !coaching && groupValue === null) problems.push('groupId');
    if (!fromOccurrence && !workOrderId) problems.push('workOrderId');
    if (!fromOccurrence && severalSchools && !schoolId) problems.push('schoolId');
    setMissing(problems);
    if (problems.length || !at) return;
    const body: StartSessionBody = { startedAt: at };
    if (fromOccurrence) body.occurrence = { seriesId: seriesId as string, occurrenceStart: occurrenceStart as string };
    if (serviceCode && (!fromOccurrence || service)) body.service = serviceCode;
    if (groupValue && groupValue !== AD_HOC) body.groupId = groupValue;
    if (workOrderId && workOrderId !== TIME_TRACKING) body.workOrderId = workOrderId;
    if (schoolId && (severalSchools || fromOccurrence)) body.schoolId = schoolId;
    if (description.trim()) body.description = description.trim();
    if (familyInvolvement) body.familyInvolvement = true;
    if (typeof plannedMinutes === 'number') body.plannedMinutes = plannedMinutes;
    // A refusal is kept for replay under its key: a new try after one is a new request.
    start.mutate({ body, key: start.isError ? idempotencyKey() : key });
  }

  const required = (name: string, text: string) => (missing.includes(name) ? text : fields[name]);

  return (
    <Stack maw={720} mx="auto" p={{ base: 0, sm: 'md' }} gap="md">
      <Title order={1}>New session</Title>
      {active.data && (
        <Alert styles={READABLE_ALERT} color="yellow" title="You have a session running">
          Started {formatDateTime(active.data.startedAt, timeZone)}.{' '}
          <Anchor component={Link} to={`/sessions/${active.data.id}`}>
            Go to the active session
          </Anchor>{' '}
          — a provider runs one session at a time.
        </Alert>
      )}
      {fromOccurrence && (
        <Paper withBorder p="sm">
          <Text fw={600}>From your calendar</Text>
          <Text size="sm">
            {series.data ? `${series.data.description ?? serviceName(series.data.service)}${series.data.groupName ? ` · ${series.data.groupName}` : ''} · planned ${formatDateTime(occurrenceStart, timeZone)}` : `Planned ${formatDateTime(occurrenceStart, timeZone)}`}
          </Text>
        </Paper>
      )}
      <form onSubmit={submit} noValidate aria-label="New session">
        <Stack gap="md">
          {!fromOccurrence && myServices.length > 1 && (
            <Select
              label="Service"
              data={myServices.map((s) => ({ value: s.code, label: s.name }))}
              value={serviceCode}
              onChange={setService}
              allowDeselect={false}
              error={required('service', 'Choose the service')}
            />
          )}
          {severalSchools && !group && !fromOccurrence && (
            <Select
              label="School"
              description="You work at more than one school: the session belongs to one"
              placeholder="Choose the school"
              data={mySchoolIds.map((id) => ({ value: id, label: schoolName(id) }))}
              value={schoolChoice}
              onChange={(value) => {
                setSchoolChoice(value);
                keepWorkOrderAt(value);
              }}
              error={required('schoolId', 'Choose the school')}
            />
          )}
          {!coaching && !fromOccurrence && (
            <Radio.Group
              label="Group"
              value={groupValue}
              onChange={(value) => {
                setGroupChoice(value);
                keepWorkOrderAt(groups.data?.find((g) => g.id === value)?.schoolId ?? schoolChoice);
              }}
              error={required('groupId', 'Choose a group, or an ad hoc session')}
            >
              <Stack gap="xs" mt="xs">
                {groupsHere.map((g) => (
                  <Radio key={g.id} value={g.id} label={`${g.name} (${g.memberCount} students${severalSchools ? `, ${schoolName(g.schoolId)}` : ''})`} />
                ))}
                <Radio value={AD_HOC} label="No group: ad hoc session (search for each student)" />
              </Stack>
            </Radio.Group>
          )}
          {!fromOccurrence && (
            <Radio.Group
              label="Work order"
              value={workOrderId}
              onChange={setWorkOrderChoice}
              error={required('workOrderId', 'Choose a work order, or time tracking only') ?? fields.workOrderId}
            >
              <Stack gap="xs" mt="xs">
                {workOrdersHere.map((w) => (
                  <Radio key={w.id} value={w.id} label={`${w.typeName}${w.description ? `: ${w.description}` : ''}${severalSchools && !schoolId ? ` (${schoolName(w.schoolId)})` : ''}`} />
                ))}
                <Radio
                  value={TIME_TRACKING}
                  label="No work order: time tracking only"
                  description="Never paid unless a work order is assigned within 7 days of the session date"
                />
              </Stack>
            </Radio.Group>
          )}
          <TextInput
            type="datetime-local"
            label="Start"
            description={`Times in ${zoneName(timeZone)}`}
            value={startedAt}
            onChange={(e) => setStartedAt(e.currentTarget.value)}
            error={required('startedAt', 'Give the start date and time')}
            required
          />
          {careerLadder && (
            <Checkbox
              label="This is a Family Involvement event"
              checked={familyInvolvement}
              onChange={(e) => {
                setFamilyInvolvement(e.currentTarget.checked);
                setDescription('');
              }}
            />
          )}
          {careerLadder && familyInvolvement ? (
            <Select
              label="Event"
              description="The name of the event from the approved list"
              placeholder="Choose the event"
              data={catalog.data?.familyInvolvementEvents ?? []}
              value={description || null}
              onChange={(value) => setDescription(value ?? '')}
              error={fields.description}
              required
            />
          ) : (
            <TextInput
              label="Description"
              description={careerLadder ? 'Required for a Career Ladder session: what the session or event is' : 'Optional'}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={fields.description}
              required={careerLadder}
              maxLength={500}
            />
          )}
          {!fromOccurrence && (
            <NumberInput label="Planned minutes" description="Optional; the duration can be at most this plus 30" value={plannedMinutes} onChange={setPlannedMinutes} min={15} max={600} step={5} allowDecimal={false} error={fields.plannedMinutes} />
          )}
          <SessionError error={start.error} />
          <Group>
            <Button type="submit" size="md" loading={start.isPending}>
              Start session
            </Button>
            <Button component={Link} to="/today" variant="subtle" size="md">
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
