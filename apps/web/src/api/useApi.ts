import { useContext } from 'react';
import type { SessionledgerClient } from '@sessionledger/api-client';
import { ApiContext } from './ApiContext';

export { ApiError, call } from './errors';

/**
 * The typed API client, signed in as the current user and renewing its token
 * by itself. Wrap calls in `call(...)` to get the data or an `ApiError`:
 *
 *     const api = useApi();
 *     const session = useQuery({ queryKey: ['session', id], queryFn: () => call(api.GET('/api/sessions/{id}', { params: { path: { id } } })) });
 */
export function useApi(): SessionledgerClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() is used outside <AuthProvider>');
  return api;
}
