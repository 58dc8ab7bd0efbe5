/* A school's bell schedule: each weekday a school day from a start to an end, or none; saved with the version read (0 before the first). */
import { Checkbox, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { Schemas } from '@sessionledger/api-client';
import { useAdminSchools } from '../admin/api';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { ZoneNote } from '../ui/ZoneNote';
import { useBellSchedule, useSaveBellSchedule } from './api';
import { bellScheduleDays, bellScheduleForm, WEEKDAY_NAMES, WEEKDAYS, type BellScheduleForm, type DayForm, type Weekday } from './bell-schedule';
import { SaveProblem, SaveRow } from './parts';

type BellSchedule = Schemas['BellScheduleReply'];

export function BellSchedulePanel({ timeZone }: { timeZone: string }) {
  const schools = useAdminSchools();
  const [chosen, setChosen] = useState<string | null>(null);
  const schoolId = chosen ?? schools.data?.[0]?.id ?? null;
  const schedule = useBellSchedule(schoolId);
  const options = (schools.data ?? []).map((school) => ({ value: school.id, label: school.active ? school.name : `${school.name} (inactive)` }));

  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <div>
          <Title order={2} size="h3">
            Bell schedules
          </Title>
          <Text size="sm">The school day of each school, by weekday. Minutes of a session outside it are reported to the state as such.</Text>
          <ZoneNote timeZone={timeZone} />
        </div>
        <ApiErrorAlert error={schools.error} title="The schools could not be loaded" />
        <Select label="School" data={options} value={schoolId} onChange={setChosen} searchable allowDeselect={false} nothingFoundMessage="No school by that name" maw={420} />
        <ApiErrorAlert error={schedule.error} title="The bell schedule could not be loaded" />
        {schoolId && schedule.data ? (
          <BellScheduleEditor key={schoolId} schoolId={schoolId} stored={schedule.data} reload={() => void schedule.refetch()} />
        ) : schoolId && !schedule.error ? (
          <Loading what="the bell schedule" height={300} />
        ) : null}
      </Stack>
    </Paper>
  );
}

function BellScheduleEditor({ schoolId, stored, reload }: { schoolId: string; stored: BellSchedule; reload: () => void }) {
  const [draft, setDraft] = useState<{ version: number; form: BellScheduleForm } | null>(null);
  const version = draft?.version ?? stored.version;
  const form = draft?.form ?? bellScheduleForm(stored.days);
  const save = useSaveBellSchedule(schoolId);
  const errors = fieldErrors(save.error);
  const edit = (weekday: Weekday, change: Partial<DayForm>) => {
    save.reset();
    setDraft({ version, form: { ...form, [weekday]: { ...form[weekday], ...change } } });
  };
  const shown = WEEKDAYS.flatMap((weekday) => [`days.${weekday}`, `days.${weekday}.start`, `days.${weekday}.end`]);

  return (
    <Stack
      gap="sm"
      component="form"
      aria-label="Bell schedule"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ version, days: bellScheduleDays(form) }, { onSuccess: () => setDraft(null) });
      }}
    >
      {stored.days === null && <Text size="sm">This school has no bell schedule yet.</Text>}
      {/* One line a weekday, the hours wrapping under its name on a phone: a three-column table does not fit 390 px. */}
      <Stack gap="xs" data-testid="bell-schedule">
        {WEEKDAYS.map((weekday) => {
          const day = form[weekday];
          return (
            <Group key={weekday} gap="sm" wrap="wrap" align="flex-start" mih={36}>
              <Checkbox label={WEEKDAY_NAMES[weekday]} checked={day.schoolDay} onChange={(e) => edit(weekday, { schoolDay: e.currentTarget.checked })} error={errors[`days.${weekday}`]} w={130} mt={8} />
              {day.schoolDay ? (
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <TextInput type="time" aria-label={`${WEEKDAY_NAMES[weekday]} start`} value={day.start} onChange={(e) => edit(weekday, { start: e.currentTarget.value })} error={errors[`days.${weekday}.start`]} w={140} />
                  <Text size="sm" mt={8}>
                    to
                  </Text>
                  <TextInput type="time" aria-label={`${WEEKDAY_NAMES[weekday]} end`} value={day.end} onChange={(e) => edit(weekday, { end: e.currentTarget.value })} error={errors[`days.${weekday}.end`]} w={140} />
                </Group>
              ) : (
                <Text size="sm" c="dimmed" mt={8}>
                  No school
                </Text>
              )}
            </Group>
          );
        })}
      </Stack>
      <SaveProblem
        error={save.error}
        title="The bell schedule was not saved"
        fieldsShownInForm={shown}
        onReload={() => {
          save.reset();
          setDraft(null);
          reload();
        }}
      />
      <Group justify="space-between">
        <SaveRow label="Save the bell schedule" dirty={draft !== null} saving={save.isPending} saved={save.isSuccess} onDiscard={() => setDraft(null)} />
        {save.data?.recomputedRecords !== undefined && draft === null && (
          <Text size="sm" aria-live="polite">
            {save.data.recomputedRecords} reported {save.data.recomputedRecords === 1 ? 'record' : 'records'} recomputed.
          </Text>
        )}
      </Group>
    </Stack>
  );
}
