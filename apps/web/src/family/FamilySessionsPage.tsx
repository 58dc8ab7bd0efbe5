/* A guardian's or a student's planned sessions of the next two weeks, then their posted sessions, newest first, with the notes the API lets them read; in their language. */
import { Alert, Badge, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { DATE_LOCALES, type Language } from '../i18n/messages';
import { FAMILY_PAGE_SIZE, useFamilySessions, useFamilyUpcoming, type FamilyOccurrence, type FamilySession } from './api';

export function FamilySessionsPage() {
  const { t } = useTranslation();
  const { me } = useCurrentUser();
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  const sessions = useFamilySessions(page);
  const pages = Math.max(1, Math.ceil((sessions.data?.total ?? 0) / FAMILY_PAGE_SIZE));
  const goTo = (next: number) => setSearch(next === 1 ? {} : { page: String(next) });
  const guardian = me.roles.includes('guardian');

  return (
    <Stack maw={720} mx="auto" gap="md">
      <div>
        <Title order={1}>{t('family.title')}</Title>
        <Text>{guardian ? t('family.introGuardian') : t('family.introStudent')}</Text>
      </div>
      <Upcoming showNames={guardian} />
      <Title order={2}>{t('family.postedTitle')}</Title>
      {sessions.error ? (
        <Alert color="red" title={t('family.loadFailed')} role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{sessions.error.message}</Text>
            <Button size="xs" variant="default" onClick={() => void sessions.refetch()}>
              {t('family.tryAgain')}
            </Button>
          </Stack>
        </Alert>
      ) : sessions.isPending ? (
        <Group role="status" gap="xs">
          <Loader size="sm" aria-hidden />
          <Text>{t('family.loading')}</Text>
        </Group>
      ) : sessions.data.items.length === 0 ? (
        <Text>{t('family.empty')}</Text>
      ) : (
        <>
          <Stack gap="sm" aria-busy={sessions.isFetching}>
            {sessions.data.items.map((session) => (
              <SessionCard key={session.id} session={session} showNames={guardian} />
            ))}
          </Stack>
          {pages > 1 && (
            <Stack gap="xs">
              <Text size="sm">{t('family.page', { page, pages })}</Text>
              <Group component="nav" aria-label={t('family.pages')} justify="space-between">
                <Button variant="default" disabled={page <= 1} onClick={() => goTo(page - 1)}>
                  {t('family.newer')}
                </Button>
                <Button variant="default" disabled={page >= pages} onClick={() => goTo(page + 1)}>
                  {t('family.older')}
                </Button>
              </Group>
            </Stack>
          )}
        </>
      )}
    </Stack>
  );
}

/** The locale of the reader's language, for dates and times. */
function useLocale(): string {
  const { i18n } = useTranslation();
  return DATE_LOCALES[i18n.language as Language] ?? DATE_LOCALES.en;
}

function Upcoming({ showNames }: { showNames: boolean }) {
  const { t } = useTranslation();
  const { district } = useCurrentUser();
  const locale = useLocale();
  const upcoming = useFamilyUpcoming();
  const when = (occurrence: FamilyOccurrence) => {
    const zone = { timeZone: district.timeZone };
    const day = new Date(occurrence.startsAt).toLocaleDateString(locale, { ...zone, weekday: 'long', month: 'long', day: 'numeric' });
    const time = (instant: string) => new Date(instant).toLocaleTimeString(locale, { ...zone, hour: 'numeric', minute: '2-digit' });
    return `${day}, ${time(occurrence.startsAt)}–${time(occurrence.endsAt)}`;
  };

  return (
    <Stack gap="xs" component="section" aria-labelledby="family-upcoming">
      <div>
        <Title order={2} id="family-upcoming">
          {t('family.upcomingTitle')}
        </Title>
        <Text size="sm">{t('family.upcomingIntro')}</Text>
      </div>
      {upcoming.error ? (
        <Alert color="red" title={t('family.upcomingLoadFailed')} role="alert">
          <Text size="sm">{upcoming.error.message}</Text>
        </Alert>
      ) : upcoming.isPending ? (
        <Group role="status" gap="xs">
          <Loader size="sm" aria-hidden />
          <Text>{t('family.upcomingLoading')}</Text>
        </Group>
      ) : upcoming.data.items.length === 0 ? (
        <Text>{t('family.upcomingEmpty')}</Text>
      ) : (
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {upcoming.data.items.map((occurrence) => (
            <Card component="li" withBorder padding="sm" key={`${occurrence.studentId}-${occurrence.startsAt}`} data-testid="family-upcoming">
              <Group justify="space-between" wrap="wrap" gap="xs">
                <div>
                  <Text fw={600}>{when(occurrence)}</Text>
                  <Text size="sm">
                    {t(`services.${occurrence.service}`, { defaultValue: occurrence.service.replace(/_/g, ' ') })} · {t('family.withProvider', { name: occurrence.providerName })}
                    {showNames ? ` · ${t('family.forStudent', { name: occurrence.studentName })}` : ''}
                  </Text>
                </div>
                {occurrence.cancelled && (
                  <Badge color="red.9" variant="outline">
                    {t('family.calledOff')}
                  </Badge>
                )}
              </Group>
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function SessionCard({ session, showNames }: { session: FamilySession; showNames: boolean }) {
  const { t } = useTranslation();
  const { district } = useCurrentUser();
  const locale = useLocale();
  const zone = { timeZone: district.timeZone };
  // The session's day is the district's calendar day: written from the date itself, never shifted by the reader's zone.
  const date = new Date(`${session.sessionDate}T12:00:00Z`).toLocaleDateString(locale, { timeZone: 'UTC', weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  const time = (instant: string) => new Date(instant).toLocaleTimeString(locale, { ...zone, hour: 'numeric', minute: '2-digit' });
  const headingId = `session-${session.id}`;

  return (
    <Card withBorder component="article" aria-labelledby={headingId} data-testid="family-session">
      <Stack gap="xs">
        <div>
          <Title order={3} size="h4" id={headingId}>
            {t('family.sessionOf', { date })}
          </Title>
          <Text size="sm">
            {time(session.startedAt)}
            {session.endedAt ? `–${time(session.endedAt)}` : ''} · {t('family.withProvider', { name: session.providerName })}
          </Text>
        </div>
        {session.participants.map((participant) => (
          <Stack key={participant.personId} gap={4} data-testid="family-participant">
            {showNames && (
              <Title order={4} size="h5">
                {participant.name}
              </Title>
            )}
            {participant.subject && <Text size="sm">{t('family.subject', { subject: participant.subject })}</Text>}
            <Note label={t('family.studentNote')} text={participant.studentNote} />
            {participant.clientNote !== undefined && <Note label={t('family.clientNote')} text={participant.clientNote} />}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}

function Note({ label, text }: { label: string; text: string | null }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={text ? undefined : 'dimmed'}>
        {text ?? t('family.noNote')}
      </Text>
    </div>
  );
}
