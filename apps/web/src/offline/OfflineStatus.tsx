import { Alert } from '@mantine/core';
import { READABLE_ALERT } from '../sessions/modalProps';
import { useKeptWrites } from './KeptWritesContext';

/** Says where the provider's changes are: on this device while offline, on their way once back. */
export function OfflineStatus({ sessionId }: { sessionId: string }) {
  const { online, pendingFor, syncing } = useKeptWrites();
  const waiting = pendingFor(sessionId).length;
  if (online && waiting === 0) return null;
  const changes = `${waiting} change${waiting === 1 ? '' : 's'}`;
  return (
    <Alert styles={READABLE_ALERT} color={online ? 'blue' : 'yellow'} role="status" title={online ? 'Sending your changes' : 'You are offline'} data-testid="offline-status">
      {online
        ? `${changes} made offline ${syncing ? 'are being sent' : 'wait to be sent'} in the order you made them. “Will this be paid?” shows again once they are in.`
        : `Keep working: time-ins, notes and the end are kept on this device${waiting ? ` (${changes} so far)` : ''} and sent when the network returns. “Will this be paid?” and posting need the network.`}
    </Alert>
  );
}
