/* An API refusal in words, with the way out when the API names one. */
import { Anchor, Stack } from '@mantine/core';
import { Link } from 'react-router';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { toErrorReply } from '../ui/ApiErrorAlert';

export function wayOut(reply: { code: string; details?: Record<string, unknown> }): { to: string; label: string } | null {
  const id = (key: string) => (typeof reply.details?.[key] === 'string' ? (reply.details[key] as string) : null);
  switch (reply.code) {
    case 'SESSION.ALREADY_ACTIVE':
      return id('activeSessionId') ? { to: `/sessions/${id('activeSessionId')}`, label: 'Go to your active session (end or delete it first)' } : null;
    case 'OCCURRENCE.ALREADY_STARTED':
      return id('sessionId') ? { to: `/sessions/${id('sessionId')}`, label: 'Open the session already started from it' } : null;
    default:
      return null;
  }
}

export function SessionError({ error }: { error: unknown }) {
  const reply = toErrorReply(error);
  if (!reply) return null;
  const out = wayOut(reply);
  return (
    <Stack gap="xs">
      <ApiErrorAlert error={reply} />
      {out && (
        <Anchor component={Link} to={out.to} fw={600}>
          {out.label}
        </Anchor>
      )}
    </Stack>
  );
}
