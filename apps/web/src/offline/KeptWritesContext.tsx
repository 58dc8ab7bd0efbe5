import { createContext, useContext, useMemo } from 'react';
import { useApi } from '../api/useApi';
import type { SessionView } from '../sessions/api';
import type { KeptEnd, KeptParticipantWrite, KeptWrite, RefusedWrite } from './outbox';
import { transmit } from './transmit';

type Fresh<T> = Omit<T, 'seq' | 'userId' | 'sent' | 'createdAt'>;
/** A write as a screen makes it; the provider adds who, when and whether it left. */
export type NewKeptWrite = Fresh<KeptParticipantWrite> | Fresh<KeptEnd>;

export interface KeptWrites {
  /** The signed-in user's writes not yet answered by the API, oldest first. */
  pending: KeptWrite[];
  /** A kept write the API refused, waiting for the provider's choice. */
  refused: RefusedWrite | undefined;
  online: boolean;
  syncing: boolean;
  /** The API's answer, or undefined when the write was kept to be sent later. Refusals throw as usual. */
  send(write: NewKeptWrite): Promise<SessionView | undefined>;
  pendingFor(sessionId: string): KeptWrite[];
}

export const KeptWritesContext = createContext<KeptWrites | undefined>(undefined);

/** The signed-in shell provides the real one; outside it (component tests) writes go straight to the API. */
export function useKeptWrites(): KeptWrites {
  const provided = useContext(KeptWritesContext);
  const api = useApi();
  const direct = useMemo<KeptWrites>(
    () => ({
      pending: [],
      refused: undefined,
      online: true,
      syncing: false,
      send: (write) => transmit(api, { ...write, userId: '', sent: true, createdAt: '' } as KeptWrite),
      pendingFor: () => [],
    }),
    [api],
  );
  return provided ?? direct;
}
