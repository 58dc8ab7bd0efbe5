import { QueryClient } from '@tanstack/react-query';
import { toErrorReply } from '../ui/error-reply';

/**
 * Retries only what may pass on its own (no answer at all); an answer of the
 * API (a 4xx refusal, a 503 with its reason) is shown at once.
 */
export function createQueryClient(): QueryClient {
  const retry = (failureCount: number, error: unknown) => failureCount < 2 && toErrorReply(error)?.code === 'NETWORK.FAILED';
  return new QueryClient({
    defaultOptions: {
      // 'always': TanStack's default pauses everything while the browser is offline, but a running session keeps
      // working then: writes are kept (KeptWritesProvider) and reads answer their offline copies.
      queries: { retry, staleTime: 30_000, refetchOnWindowFocus: true, networkMode: 'always' },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
