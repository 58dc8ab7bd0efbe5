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
      queries: { retry, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
