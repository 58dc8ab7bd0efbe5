/*
 * The family screens' server state, through the generated client: the posted
 * sessions a guardian's children or a student took part in (the API cuts them
 * to the reader), and the reader's language kept on their account.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';
import type { Language } from '../i18n/messages';

export type FamilySession = Schemas['FamilySessionReply'];
export type FamilyOccurrence = Schemas['FamilyOccurrenceReply'];

export const FAMILY_PAGE_SIZE = 10;

export const familyKeys = {
  sessions: (page: number) => ['family', 'sessions', page] as const,
  upcoming: ['family', 'upcoming'] as const,
  preferences: ['me', 'preferences'] as const,
};

export function useFamilySessions(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: familyKeys.sessions(page),
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const reply = await call(api.GET('/api/sessions', { params: { query: { page, pageSize: FAMILY_PAGE_SIZE } } }));
      // A guardian's or a student's list holds only the family cut; anything else would be a staff reply.
      return { ...reply, items: reply.items.filter((item): item is FamilySession => 'audience' in item) };
    },
  });
}

/** The next two weeks' planned sessions (the API's default window from now). */
export function useFamilyUpcoming() {
  const api = useApi();
  return useQuery({ queryKey: familyKeys.upcoming, queryFn: () => call(api.GET('/api/me/upcoming-sessions')) });
}

export function useSavedLanguage() {
  const api = useApi();
  return useQuery({ queryKey: familyKeys.preferences, queryFn: () => call(api.GET('/api/me/preferences')), staleTime: Infinity });
}

export function useSaveLanguage() {
  const api = useApi();
  return useMutation({
    mutationFn: (language: Language) =>
      call(api.PUT('/api/me/preferences', { body: { language } })),
  });
}
