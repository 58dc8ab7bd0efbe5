/* The district's closure days (no sessions are planned on them): add a day with a name, remove one, then save the whole list. */
import { Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { formatDay } from '../today/local-time';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { ColumnHeads } from '../ui/ColumnHeads';
import { Loading } from '../ui/Loading';
import { useClosureDays, useSaveClosureDays } from './api';
import { addClosureDay, closureDayProblem, closureDaysBody, removeClosureDay, type ClosureDay } from './closure-days';
import { SaveProblem, SaveRow } from './parts';
import { problemsUnder } from './stale';

const DAY_FORMAT: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' };

export function ClosureDaysPanel() {
  const closures = useClosureDays();
  const [draft, setDraft] = useState<ClosureDay[] | null>(null);
  const [date, setDate] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useSaveClosureDays();
  if (closures.error) return <ApiErrorAlert error={closures.error} title="The closure days could not be loaded" />;
  if (!closures.data) return <Loading what="the closure days" height={300} />;
  const days = draft ?? closures.data.days;
  // The API names a refused day by its place in the list sent, which is this list's order.
  const problems = problemsUnder(save.error, 'days');
  const edit = (next: ClosureDay[]) => {
    save.reset();
    setDraft(next);
  };
  const add = () => {
    const found = closureDayProblem(days, date);
    setProblem(found);
    if (found) return;
    edit(addClosureDay(days, date, name));
    setDate('');
    setName('');
  };

  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-labelledby="closures-heading"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(closureDaysBody(days), { onSuccess: () => setDraft(null) });
      }}
    >
      <Stack gap="md">
        <div>
          <Title order={2} id="closures-heading" size="h3">
            Closure days
          </Title>
          <Text size="sm">Days the schools are closed: series skip them. Saving replaces the district’s whole list.</Text>
        </div>
        {days.length === 0 ? (
          <Text>No closure day yet.</Text>
        ) : (
          <Table verticalSpacing="xs" data-testid="closure-days">
            <ColumnHeads columns={[{ label: 'Day' }, { label: 'Name' }, { label: 'Actions', hiddenLabel: true }]} />
            <Table.Tbody>
              {days.map((day, index) => {
                const dayProblem = [problems[String(index)], problems[`${index}.date`], problems[`${index}.name`]].filter(Boolean).join('. ');
                return (
                  <Table.Tr key={day.date} data-testid="closure-day">
                    <Table.Th scope="row" fw={400}>
                      {formatDay(day.date, DAY_FORMAT)}
                      {dayProblem && (
                        <Text size="sm" c="red.8">
                          {dayProblem}
                        </Text>
                      )}
                    </Table.Th>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{day.name ?? '—'}</Table.Td>
                    <Table.Td ta="right">
                      <Button variant="default" size="xs" onClick={() => edit(removeClosureDay(days, day.date))} aria-label={`Remove the closure day ${formatDay(day.date, DAY_FORMAT)}`}>
                        Remove
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
        <Group gap="sm" align="flex-start" wrap="wrap">
          <TextInput type="date" label="Closed on" value={date} onChange={(e) => (setDate(e.currentTarget.value), setProblem(null))} error={problem} w={200} />
          <TextInput label="Name (optional)" placeholder="Thanksgiving" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} style={{ flex: 1, minWidth: 200 }} />
          <Button variant="light" onClick={add} mt={{ base: 0, xs: 25 }}>
            Add the day
          </Button>
        </Group>
        <SaveProblem error={save.error} title="The closure days were not saved" fieldsShownInForm={Object.keys(problems).map((key) => `days.${key}`)} onReload={() => (save.reset(), setDraft(null), void closures.refetch())} />
        <SaveRow label="Save the closure days" dirty={draft !== null} saving={save.isPending} saved={save.isSuccess} onDiscard={() => setDraft(null)} />
      </Stack>
    </Paper>
  );
}
