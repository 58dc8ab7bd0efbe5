import { Alert, Anchor, Badge, Button, Group, List, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { calendarWindow, formatDay, formatTime, localDate, type CalendarView } from './local-time';
import { useProviderCalendar, useSchoolNames, type CalendarEntry } from './today-queries';

const STATE_LABELS: Record<CalendarEntry['state'], { label: string; color: string }> = {
  planned: { label: 'Planned', color: 'blue' },
  active: { label: 'In progress', color: 'green' },
  ended: { label: 'Ended, not posted', color: 'orange' },
  posted: { label: 'Posted', color: 'gray' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  cancelled_billable: { label: 'Cancelled (billable)', color: 'gray' },
  cancelled_nonbillable: { label: 'Cancelled', color: 'gray' },
};

/** The provider's day or week: planned occurrences and sessions, with the API's double-booking warnings. */
export function CalendarCard({ today }: { today: string }) {
  const { me, district } = useCurrentUser();
  const [view, setView] = useState<CalendarView>('day');
  const range = calendarWindow(view, today, district.timeZone);
  const calendar = useProviderCalendar(me.userId, range);
  const entries = calendar.data?.entries ?? [];
  const warnings = calendar.data?.warnings ?? [];
  const doubleBooked = new Set(warnings.flatMap((warning) => warning.entryIds));

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="calendar-heading">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h3" id="calendar-heading">
            {view === 'day' ? 'Your day' : 'Your week'}
          </Title>
          <SegmentedControl
            aria-label="Calendar range"
            value={view}
            onChange={(value) => setView(value as CalendarView)}
            data={[
              { value: 'day', label: 'Day' },
              { value: 'week', label: 'Week' },
            ]}
          />
        </Group>
        <ApiErrorAlert error={calendar.error} title="The calendar could not be loaded" />
        {warnings.length > 0 && (
          <Alert color="yellow" variant="light" title="Double-booked">
            <List size="sm">
              {warnings.map((warning) => (
                <List.Item key={`${warning.code}:${warning.entryIds.join(':')}`}>
                  {warning.message}: {warning.entryIds.map((id) => describeEntry(entries.find((entry) => entry.id === id), district.timeZone)).join(' and ')}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {calendar.isPending ? (
          <Loading what="the calendar" height={96} />
        ) : (
          range.days.map((day) => (
            <DaySchedule
              key={day}
              day={day}
              showHeading={view === 'week'}
              isToday={day === today}
              // A session is started when it happens (or logged late), never ahead of its day.
              startable={day <= today}
              entries={entries.filter((entry) => localDate(new Date(entry.startsAt), district.timeZone) === day)}
              doubleBooked={doubleBooked}
            />
          ))
        )}
      </Stack>
    </Paper>
  );
}

interface DayScheduleProps {
  day: string;
  showHeading: boolean;
  isToday: boolean;
  startable: boolean;
  entries: CalendarEntry[];
  doubleBooked: Set<string>;
}

function DaySchedule({ day, showHeading, isToday, startable, entries, doubleBooked }: DayScheduleProps) {
  return (
    <Stack gap="xs">
      {showHeading && (
        <Title order={3} size="h5">
          {formatDay(day)}
          {isToday && ' (today)'}
        </Title>
      )}
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing planned{isToday ? ' today' : ''}.
        </Text>
      ) : (
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {entries.map((entry) => (
            <EntryRow key={entry.id} entry={entry} startable={startable} doubleBooked={doubleBooked.has(entry.id)} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function EntryRow({ entry, startable, doubleBooked }: { entry: CalendarEntry; startable: boolean; doubleBooked: boolean }) {
  const { district } = useCurrentUser();
  const schoolName = useSchoolNames();
  const state = STATE_LABELS[entry.state];
  const time = `${formatTime(entry.startsAt, district.timeZone)}${entry.endsAt ? ` – ${formatTime(entry.endsAt, district.timeZone)}` : ''}`;
  const students = `${entry.participantCount} ${entry.participantCount === 1 ? 'participant' : 'participants'}`;
  return (
    <Paper component="li" withBorder p="sm" bg={doubleBooked ? 'yellow.0' : undefined} data-testid="calendar-entry">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Text fw={700}>
            {time} · {entry.description || capitalise(entry.service)}
          </Text>
          <Text size="sm">{[entry.description ? capitalise(entry.service) : null, schoolName(entry.schoolId), entry.placeOfService, students].filter(Boolean).join(' · ')}</Text>
          <Group gap="xs">
            <Badge color={state.color} variant="light">
              {state.label}
            </Badge>
            {doubleBooked && (
              <Badge color="yellow" variant="filled">
                Double-booked
              </Badge>
            )}
            {entry.occurrence && (
              <Anchor component={Link} to={`/series/${entry.occurrence.seriesId}`} size="sm" aria-label={`Open the series of ${time} ${entry.description || capitalise(entry.service)}`}>
                Open the series
              </Anchor>
            )}
          </Group>
        </Stack>
        <EntryAction entry={entry} startable={startable} />
      </Group>
    </Paper>
  );
}

/** Start a planned occurrence (the new-session screen pre-fills from it) or open the session it became. */
function EntryAction({ entry, startable }: { entry: CalendarEntry; startable: boolean }) {
  if (entry.sessionId) {
    return (
      <Button component={Link} to={`/sessions/${entry.sessionId}`} variant="default">
        Open session
      </Button>
    );
  }
  if (startable && entry.kind === 'occurrence' && entry.state === 'planned' && entry.occurrence) {
    const search = new URLSearchParams({ seriesId: entry.occurrence.seriesId, occurrenceStart: entry.occurrence.occurrenceStart });
    return (
      <Button component={Link} to={`/sessions/new?${search.toString()}`}>
        Start
      </Button>
    );
  }
  return null;
}

/** "3:00 PM Tutoring (Room 12)": enough to find the entry in the list. */
function describeEntry(entry: CalendarEntry | undefined, timeZone: string): string {
  if (!entry) return 'an entry outside this view';
  const place = entry.placeOfService ? ` (${entry.placeOfService})` : '';
  return `${formatTime(entry.startsAt, timeZone)} ${entry.description || capitalise(entry.service)}${place}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/_/g, ' ');
}
