import { createContext } from 'react';
import type { SessionledgerClient } from '@sessionledger/api-client';

/** Set once by `AuthProvider`; read with `useApi()`. */
export const ApiContext = createContext<SessionledgerClient | undefined>(undefined);
