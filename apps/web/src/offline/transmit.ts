import type { SessionledgerClient } from '@sessionledger/api-client';
import { call } from '../api/errors';
import type { SessionView } from '../sessions/api';
import { bodyOf, type KeptWrite } from './outbox';

/** One kept write, sent with its key and its fixed body. */
export function transmit(api: SessionledgerClient, write: KeptWrite): Promise<SessionView> {
  const headers = { 'Idempotency-Key': write.key };
  if (write.kind === 'end') {
    return call(api.POST('/api/sessions/{id}/end', { params: { path: { id: write.sessionId } }, body: bodyOf(write), headers }));
  }
  return call(
    api.PATCH('/api/sessions/{id}/participants/{participantId}', {
      params: { path: { id: write.sessionId, participantId: write.participantId } },
      body: bodyOf(write),
      headers,
    }),
  );
}
