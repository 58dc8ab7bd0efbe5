import { createContext } from 'react';
import type { Me, Schemas } from '@sessionledger/api-client';

export interface CurrentUser {
  me: Me;
  /** The user's district: its name for the header, its time zone for every local date and time. */
  district: Schemas['DistrictResponse'];
}

/** Provided by the signed-in shell once both are loaded; read with `useCurrentUser()`. */
export const CurrentUserContext = createContext<CurrentUser | undefined>(undefined);
