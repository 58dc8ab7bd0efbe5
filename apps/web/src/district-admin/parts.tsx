/* Pieces both screens share: a job's progress bar, its status badge, dialogs' common props. */
import { Badge, Progress, Stack, Text, type ModalProps } from '@mantine/core';

/** A named close button and an opaque backdrop: the screen behind neither distracts nor counts as low-contrast text. */
export const MODAL_PROPS = {
  closeButtonProps: { 'aria-label': 'Close the dialog' },
  overlayProps: { color: '#e9ecef', backgroundOpacity: 1 },
} satisfies Partial<ModalProps>;

/** A background job's progress: the bar (named, with its value for screen readers) and the words under it, announced as they change. */
export function JobProgress({ label, percent, words, active }: { label: string; percent: number; words: string; active: boolean }) {
  return (
    <Stack gap={4}>
      <Progress.Root size="lg" radius="sm">
        <Progress.Section value={percent} striped={active} animated={active} aria-label={label} color="blue.8" />
      </Progress.Root>
      <Text size="sm" aria-live="polite" data-testid="job-progress">
        {words}
      </Text>
    </Stack>
  );
}

const STATUS_COLOURS: Record<string, string> = { queued: 'gray', running: 'blue', succeeded: 'green', done: 'green', failed: 'red' };

/** Dark text on a light tint (the filled badges' white text falls short of 4.5:1 at this size), at full width so it is never cut. */
export function JobStatus({ status, words }: { status: string; words: string }) {
  return (
    <Badge variant="light" color={STATUS_COLOURS[status] ?? 'gray'} c="dark.8" miw="max-content" data-status={status}>
      {words}
    </Badge>
  );
}
