/* Cancel one occurrence, with the reason; the API decides whether it is a late (billable) cancellation and says so. */
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import { fieldErrors, toErrorReply } from '../ui/ApiErrorAlert';
import { formatTime } from '../today/local-time';
import { idempotencyKey, useCancelOccurrence, useReloadSeries, type Occurrence, type Series } from './api';
import { formatLocalDay } from './format';
import { SeriesError } from './SeriesError';

export interface CancelOccurrenceModalProps {
  series: Series;
  occurrence: Occurrence;
  noticeHours: number;
  onClose: () => void;
  onCancelled: (occurrence: Occurrence) => void;
}

export function CancelOccurrenceModal({ series, occurrence, noticeHours, onClose, onCancelled }: CancelOccurrenceModalProps) {
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  const cancel = useCancelOccurrence(series.id);
  const reload = useReloadSeries();
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(idempotencyKey);
  const when = `${formatLocalDay(occurrence.localDate)}, ${formatTime(occurrence.startsAt, series.timeZone)}`;
  const hoursAhead = (new Date(occurrence.startsAt).getTime() - Date.now()) / 3_600_000;
  const late = hoursAhead < noticeHours;
  const fields = fieldErrors(cancel.error);
  const code = toErrorReply(cancel.error)?.code;

  function submit(event: FormEvent) {
    event.preventDefault();
    const sendKey = cancel.isError ? idempotencyKey() : key;
    setKey(sendKey);
    cancel.mutate({ body: { occurrenceStart: occurrence.occurrenceStart, ...(reason.trim() ? { reason: reason.trim() } : {}) }, key: sendKey }, { onSuccess: onCancelled });
  }

  return (
    <Modal opened onClose={onClose} title={`Cancel ${when}?`} yOffset="4vh" fullScreen={phone} closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} noValidate aria-label={`Cancel ${when}`}>
        <Stack gap="md">
          <Text size="sm">
            Only this occurrence is cancelled; the rest of the series stays. The district’s notice window is {noticeHours} hours:{' '}
            {late
              ? 'this is less than that before the start, so it will count as a late cancellation (the family is billed).'
              : 'this is more than that before the start, so it should not be billed.'}{' '}
            The server decides and you will see its answer.
          </Text>
          <TextInput
            label="Reason"
            description="Who cancelled and why, e.g. “Family vacation”"
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            maxLength={500}
            error={fields.reason}
            data-autofocus
          />
          <SeriesError error={cancel.error} title="The occurrence was not cancelled" fieldsShownInForm={['reason']}>
            {(code === 'OCCURRENCE.ALREADY_CANCELLED' || code?.endsWith('.NOT_FOUND')) && (
              <Button
                variant="default"
                onClick={() => {
                  onClose();
                  void reload();
                }}
              >
                Reload the series
              </Button>
            )}
          </SeriesError>
          <Group>
            <Button type="submit" color="red" loading={cancel.isPending}>
              Cancel this occurrence
            </Button>
            <Button variant="subtle" onClick={onClose}>
              Keep it
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
