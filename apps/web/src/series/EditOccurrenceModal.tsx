/*
 * Change an occurrence: only this one, this and the following ones (the API
 * splits the series there), or all of them (the past and occurrences with a
 * session keep their plan). Only what was changed is sent.
 */
import { Button, Checkbox, Group, Modal, NumberInput, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import { fieldErrors, toErrorReply } from '../ui/ApiErrorAlert';
import { useEditSeries, useReloadSeries, type EditSeriesBody, type Occurrence, type Series } from './api';
import { formatLocalDay, localTimeOfDay } from './format';
import { RecurrenceFields } from './RecurrenceFields';
import { buildRrule, recurrenceProblems, weekdayOf, type RecurrenceProblems, type WeeklyRecurrence } from './rrule';
import type { Notice } from './SeriesPage';
import { SeriesError } from './SeriesError';

type Scope = EditSeriesBody['scope'];

export interface EditOccurrenceModalProps {
  series: Series;
  occurrence: Occurrence;
  onClose: () => void;
  /** The series the change lives in now (a new one after a split) and what to tell the provider. */
  onSaved: (series: Series, notice: Notice) => void;
}

export function EditOccurrenceModal({ series, occurrence, onClose, onSaved }: EditOccurrenceModalProps) {
  // On a phone the dialog takes the screen: its fields need the width.
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  const edit = useEditSeries(series.id);
  const reload = useReloadSeries();
  const day = formatLocalDay(occurrence.localDate);
  const initial = {
    startTime: localTimeOfDay(occurrence.startsAt, series.timeZone),
    durationMinutes: occurrence.durationMinutes,
    placeOfService: occurrence.placeOfService ?? '',
    description: occurrence.description ?? '',
  };
  const [scope, setScope] = useState<Scope>('this');
  const [startTime, setStartTime] = useState(initial.startTime);
  const [duration, setDuration] = useState<number | string>(initial.durationMinutes);
  const [place, setPlace] = useState(initial.placeOfService);
  const [description, setDescription] = useState(initial.description);
  const [changePattern, setChangePattern] = useState(false);
  const [recurrence, setRecurrence] = useState<WeeklyRecurrence>(() => ({ weekdays: [weekdayOf(occurrence.localDate) ?? 'MO'], interval: 1, end: { kind: 'count', count: 10 } }));
  const [recurrenceShown, setRecurrenceShown] = useState<RecurrenceProblems>({});
  const [nothing, setNothing] = useState(false);
  const fields = fieldErrors(edit.error);
  const code = toErrorReply(edit.error)?.code;

  function changes(): Omit<EditSeriesBody, 'version' | 'scope'> {
    const body: Omit<EditSeriesBody, 'version' | 'scope'> = {};
    if (startTime !== initial.startTime) body.startTime = startTime;
    if (typeof duration === 'number' && duration !== initial.durationMinutes) body.durationMinutes = duration;
    if (place.trim() !== initial.placeOfService) body.placeOfService = place.trim() || null;
    if (description.trim() !== initial.description) body.description = description.trim() || null;
    if (scope !== 'this' && changePattern) body.rrule = buildRrule(recurrence);
    return body;
  }

  function send(dropOverrides = false) {
    if (scope !== 'this' && changePattern) {
      const problems = recurrenceProblems(recurrence);
      setRecurrenceShown(problems);
      if (Object.keys(problems).length) return;
    }
    const body = changes();
    setNothing(Object.keys(body).length === 0);
    if (Object.keys(body).length === 0) return;
    const version = series.version;
    edit.mutate(
      { ...body, version, scope, occurrenceStart: scope === 'all' ? undefined : occurrence.occurrenceStart, ...(dropOverrides ? { dropOverrides: true } : {}) },
      {
        onSuccess: (saved) => {
          const notice: Notice =
            scope === 'this'
              ? { title: `${day} changed`, text: 'Only this occurrence changed; the others keep the series’ plan.' }
              : scope === 'following'
                ? saved.id !== series.id
                  ? { title: `Changed from ${day} on`, text: `This series holds the occurrences from ${day} on, with the change. The earlier ones keep their plan in the earlier series.` }
                  : { title: 'All occurrences changed', text: `${day} is the first occurrence, so the whole series changed (except what has already happened or has a session).` }
                : { title: 'All occurrences changed', text: 'Every occurrence from now on changed. Past occurrences and those with a session keep their plan.' };
          onSaved(saved, notice);
        },
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    send();
  }

  return (
    <Modal opened onClose={onClose} title={`Change the occurrence of ${day}`} size="lg" yOffset="4vh" fullScreen={phone} closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} noValidate aria-label={`Change the occurrence of ${day}`}>
        <Stack gap="md">
          <Radio.Group label="Which occurrences?" value={scope} onChange={(value) => setScope(value as Scope)} required>
            <Stack gap="xs" mt="xs">
              <Radio value="this" label="This occurrence" description={`Only ${day}; the others keep the series’ plan`} />
              <Radio value="following" label="This and following" description={`From ${day} on; earlier occurrences keep their plan`} />
              <Radio value="all" label="All occurrences" description="Every occurrence from now on; past ones and those with a session keep their plan" />
            </Stack>
          </Radio.Group>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              type="time"
              label="Start time"
              description={scope === 'this' ? 'Moves it within its day' : `In ${series.timeZone}`}
              value={startTime}
              onChange={(event) => setStartTime(event.currentTarget.value)}
              error={fields.startTime}
              miw={160}
            />
            <NumberInput label="Minutes" value={duration} onChange={setDuration} allowDecimal={false} error={fields.durationMinutes} miw={140} />
          </Group>
          <TextInput label="Place of service" value={place} onChange={(event) => setPlace(event.currentTarget.value)} maxLength={200} error={fields.placeOfService} />
          <TextInput label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} maxLength={2000} error={fields.description} />
          {scope !== 'this' && (
            <Checkbox label="Change the repeat pattern too" checked={changePattern} onChange={(event) => setChangePattern(event.currentTarget.checked)} />
          )}
          {scope !== 'this' && changePattern && <RecurrenceFields value={recurrence} onChange={setRecurrence} problems={recurrenceShown} apiProblem={fields.rrule} />}
          {nothing && (
            <Text size="sm" fw={600} role="alert">
              Nothing is changed yet: change the time, minutes, place, description or pattern first.
            </Text>
          )}
          <SeriesError error={edit.error} title="The change was not saved" fieldsShownInForm={['startTime', 'durationMinutes', 'placeOfService', 'description', 'rrule']}>
            {code === 'SERIES.STALE' && (
              <Button
                variant="default"
                onClick={() => {
                  edit.reset();
                  onClose();
                  void reload();
                }}
              >
                Reload the series
              </Button>
            )}
            {code === 'SERIES.OVERRIDES_WOULD_BE_LOST' && (
              <Button color="red" onClick={() => send(true)}>
                Save and drop them
              </Button>
            )}
          </SeriesError>
          <Group>
            <Button type="submit" loading={edit.isPending}>
              Save change
            </Button>
            <Button variant="subtle" onClick={onClose}>
              Keep as it is
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
