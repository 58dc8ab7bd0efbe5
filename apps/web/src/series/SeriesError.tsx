/* An API refusal on the series screens in words: the API's message, then what to do about it. */
import { Group, Stack, Text } from '@mantine/core';
import { Children, type ReactNode } from 'react';
import { ApiErrorAlert, toErrorReply } from '../ui/ApiErrorAlert';

/** The way out of a refusal, by the API's code and the fields it names. */
export function seriesWayOut(reply: { code: string; fields?: { field: string }[] }): string | null {
  switch (reply.code) {
    case 'SERIES.STALE':
      return 'Someone changed this series while you were editing. Reload it, check what changed, and make your change again.';
    case 'SERIES.OVERRIDES_WOULD_BE_LOST':
      return 'Keep the old pattern, or save anyway and drop those cancellations and single-occurrence edits.';
    case 'SERIES.OCCURRENCE_FROZEN':
      return 'This occurrence keeps the plan it had before an earlier "all" change. Change only this occurrence, or choose a later one.';
    case 'OCCURRENCE.ALREADY_CANCELLED':
      return 'Nothing more to do: it was cancelled already. Reload the series to see it.';
    case 'OCCURRENCE.CANCELLED':
      return 'A cancelled occurrence cannot be changed. Choose another occurrence.';
    case 'SERIES.NOT_ALLOWED':
      return 'Providers schedule their own series; ask your school admin to schedule for someone else.';
    case 'SERVICE.UNAVAILABLE':
      return 'Try again in a moment.';
    case 'NETWORK.FAILED':
      return null;
  }
  if (reply.code.endsWith('.NOT_FOUND')) return 'It no longer exists or is not one of yours. Go back to your series and reload.';
  const fields = new Set((reply.fields ?? []).map((problem) => problem.field));
  const hints = [
    fields.has('groupId') && 'Choose one of your own active groups (the group must be at the series’ school).',
    fields.has('studentIds') && 'Choose the students again: an individual series has exactly one student, a group series a group or students.',
    fields.has('schoolId') && 'Choose a school you are approved at.',
    fields.has('workOrderId') && 'Choose one of your active work orders at this school, or none.',
    fields.has('rrule') && 'Change the repeat choices.',
    fields.has('start') && 'Check the first date and time.',
    fields.has('startTime') && 'Check the new start time.',
    fields.has('durationMinutes') && 'A session lasts from 5 to 1440 minutes.',
    fields.has('cancelledAt') && 'The family’s call cannot be in the future.',
    fields.has('occurrenceStart') && 'Reload the series: that occurrence no longer exists.',
  ].filter(Boolean);
  return hints.length ? hints.join(' ') : null;
}

export interface SeriesErrorProps {
  error: unknown;
  title: string;
  /** Fields already shown next to their inputs. */
  fieldsShownInForm?: readonly string[];
  /** Buttons that take the way out (reload, save anyway). */
  children?: ReactNode;
}

export function SeriesError({ error, title, fieldsShownInForm, children }: SeriesErrorProps) {
  const reply = toErrorReply(error);
  if (!reply) return null;
  const wayOut = seriesWayOut(reply);
  return (
    <Stack gap="xs" data-testid="series-error">
      <ApiErrorAlert error={reply} title={title} fieldsShownInForm={fieldsShownInForm} />
      {wayOut && (
        <Text size="sm" fw={600}>
          What to do: {wayOut}
        </Text>
      )}
      {Children.toArray(children).length > 0 && <Group gap="sm">{children}</Group>}
    </Stack>
  );
}
