/* The signed-in user as the session screens need them (W1's useCurrentUser, one place to adapt). */
import type { Me } from '@sessionledger/api-client';
import { useCurrentUser } from '../auth/useCurrentUser';

export function useMe(): Me | undefined {
  return useCurrentUser().me;
}
