/*
 * One series: what it is, its upcoming occurrences, and per occurrence a
 * change ("only this one", "this and the following", "all", as the API
 * offers them) or a cancellation with the consequence the API reports.
 */
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { Loading } from '../ui/Loading';
import { addDays, formatTime, localDate, startOfDay } from '../today/local-time';
import { useCatalogServices, useMySeries, useOccurrences, useSchoolList, useSeries, type Occurrence, type Series } from './api';
import { CancelOccurrenceModal } from './CancelOccurrenceModal';
import { EditOccurrenceModal } from './EditOccurrenceModal';
import { consequence, formatLocalDateTime, formatLocalDay, humanize } from './format';
import { describeRrule } from './rrule';
import { SeriesError } from './SeriesError';

/** What the last action did, shown above the occurrences (and carried to the new series after a split). */
export interface Notice {
  title: string;
  text: string;
}

const PAGE = 20;

/** The light alerts' coloured text is under 4.5:1 on their own tint: words in black, the colour stays in the tint and the border. */
const READABLE = { title: { color: 'var(--mantine-color-black)' }, message: { color: 'var(--mantine-color-black)' } };

export function SeriesPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { me, district } = useCurrentUser();
  const series = useSeries(id);
  const all = useMySeries(series.data?.providerId ?? me.userId);
  const today = localDate(new Date(), district.timeZone);
  const [range] = useState(() => ({ from: startOfDay(today, district.timeZone), to: startOfDay(addDays(today, 365), district.timeZone) }));
  const occurrences = useOccurrences(id, range.from, range.to);
  const services = useCatalogServices();
  const schools = useSchoolList();
  const [shown, setShown] = useState(PAGE);
  const [editing, setEditing] = useState<Occurrence | null>(null);
  const [cancelling, setCancelling] = useState<Occurrence | null>(null);
  const [notice, setNotice] = useState<Notice | null>((location.state as { notice?: Notice } | null)?.notice ?? null);
  const noticeRef = useRef<HTMLDivElement>(null);

  // A result replaces the button that led to it (a cancelled occurrence has no "Cancel"): focus goes to the words saying what happened.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);
  // A new series (after a split) is a new page: start from its own state.
  useEffect(() => {
    setNotice((location.state as { notice?: Notice } | null)?.notice ?? null);
    setShown(PAGE);
  }, [id, location.state]);

  if (series.isPending) return <Loading what="the series" height={160} />;
  if (series.isError || !series.data) {
    return (
      <Stack maw={900} mx="auto">
        <Title order={1}>Series</Title>
        <SeriesError error={series.error} title="The series could not be loaded" />
        <Anchor component={Link} to="/series">
          Back to your series
        </Anchor>
      </Stack>
    );
  }

  const one = series.data;
  const serviceName = services.data?.find((s) => s.code === one.service)?.name ?? humanize(one.service);
  const schoolName = schools.data?.find((s) => s.id === one.schoolId)?.name;
  const who = one.groupName ?? (one.students.map((student) => student.name).join(', ') || 'No students named');
  const title = one.description || serviceName;
  const successor = all.data?.find((other) => other.splitFrom === one.id);
  const items = occurrences.data ?? [];
  const noticeHours = district.settings.cancellationNoticeHours;

  return (
    <Stack maw={900} mx="auto" gap="md">
      <Anchor component={Link} to="/series" size="sm">
        ← All series
      </Anchor>
      <div>
        <Title order={1}>{title}</Title>
        <Text>{[one.description ? serviceName : null, who, schoolName, one.placeOfService].filter(Boolean).join(' · ')}</Text>
        <Text data-testid="series-pattern">
          {describeRrule(one.rrule)} · from {formatLocalDateTime(one.start)} · {one.durationMinutes} min
        </Text>
        <Text size="sm" c="dimmed">
          Times are in {one.timeZone}.
        </Text>
      </div>
      {(location.state as { created?: boolean } | null)?.created && !notice && (
        <Alert color="green" variant="light" title="Series created" role="status" styles={READABLE}>
          Its occurrences are on your calendar.
        </Alert>
      )}
      {notice && (
        <Alert ref={noticeRef} tabIndex={-1} color="blue" variant="light" title={notice.title} role="status" data-testid="series-notice" styles={READABLE}>
          {notice.text}
        </Alert>
      )}
      <SplitLinks series={one} successor={successor} />
      <Paper withBorder p="md" component="section" aria-labelledby="occurrences-heading">
        <Stack gap="sm">
          <Title order={2} size="h3" id="occurrences-heading">
            Upcoming occurrences
          </Title>
          <SeriesError error={occurrences.error} title="The occurrences could not be loaded" />
          {occurrences.isPending ? (
            <Loading what="the occurrences" height={96} />
          ) : items.length === 0 ? (
            <Text>No occurrence from today on{successor ? ': the series continues as a later series (above).' : '.'}</Text>
          ) : (
            <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
              {items.slice(0, shown).map((occurrence) => (
                <OccurrenceRow
                  key={occurrence.occurrenceStart}
                  occurrence={occurrence}
                  timeZone={one.timeZone}
                  noticeHours={noticeHours}
                  seriesDescription={one.description}
                  onEdit={() => setEditing(occurrence)}
                  onCancel={() => setCancelling(occurrence)}
                />
              ))}
            </Stack>
          )}
          {items.length > shown && (
            <Button variant="default" onClick={() => setShown((count) => count + PAGE)}>
              Show more ({items.length - shown} more)
            </Button>
          )}
        </Stack>
      </Paper>
      {editing && (
        <EditOccurrenceModal
          series={one}
          occurrence={editing}
          onClose={() => setEditing(null)}
          onSaved={(saved, result) => {
            setEditing(null);
            if (saved.id !== one.id) navigate(`/series/${saved.id}`, { state: { notice: result } });
            else setNotice(result);
          }}
        />
      )}
      {cancelling && (
        <CancelOccurrenceModal
          series={one}
          occurrence={cancelling}
          noticeHours={noticeHours}
          onClose={() => setCancelling(null)}
          onCancelled={(cancelled) => {
            setCancelling(null);
            const words = cancelled.cancellation ? consequence(cancelled.cancellation.attendance, noticeHours) : null;
            setNotice({
              title: `${formatLocalDay(cancelled.localStart)} cancelled${words ? ` — ${words.label.toLowerCase()}` : ''}`,
              text: words?.text ?? 'The occurrence is cancelled.',
            });
          }}
        />
      )}
    </Stack>
  );
}

/** A "this and following" change ends a series and starts another: each links to the other. */
function SplitLinks({ series, successor }: { series: Series; successor?: Series }) {
  if (!series.splitFrom && !successor) return null;
  return (
    <Paper withBorder p="sm">
      <Stack gap={4}>
        {series.splitFrom && (
          <Text size="sm">
            This series continues an earlier one from {formatLocalDateTime(series.start)}; occurrences before that keep their plan there.{' '}
            <Anchor component={Link} to={`/series/${series.splitFrom}`}>
              Open the earlier series
            </Anchor>
          </Text>
        )}
        {successor && (
          <Text size="sm">
            From {formatLocalDateTime(successor.start)} on, this series continues as a changed one.{' '}
            <Anchor component={Link} to={`/series/${successor.id}`}>
              Open the later series
            </Anchor>
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

interface OccurrenceRowProps {
  occurrence: Occurrence;
  timeZone: string;
  noticeHours: number;
  seriesDescription: string | null;
  onEdit: () => void;
  onCancel: () => void;
}

function OccurrenceRow({ occurrence, timeZone, noticeHours, seriesDescription, onEdit, onCancel }: OccurrenceRowProps) {
  const when = `${formatLocalDay(occurrence.localDate)}, ${formatTime(occurrence.startsAt, timeZone)} – ${formatTime(occurrence.endsAt, timeZone)}`;
  const cancelled = occurrence.cancellation;
  const words = cancelled ? consequence(cancelled.attendance, noticeHours) : null;
  const started = new Date(occurrence.startsAt).getTime() <= Date.now();
  const details = [occurrence.description !== seriesDescription ? occurrence.description : null, occurrence.placeOfService].filter(Boolean).join(' · ');
  return (
    <Paper component="li" withBorder p="sm" data-testid="occurrence" data-occurrence-start={occurrence.occurrenceStart}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Text fw={700} td={cancelled ? 'line-through' : undefined}>
            {when}
          </Text>
          {details && <Text size="sm">{details}</Text>}
          <Text size="sm">{occurrence.durationMinutes} min</Text>
          {cancelled && (
            <Text size="sm">
              {words?.label}
              {cancelled.reason ? ` · Reason: ${cancelled.reason}` : ''}
            </Text>
          )}
          <Group gap="xs">
            {cancelled ? (
              <Badge color={cancelled.attendance === 'cancelled_billable' ? 'red.9' : 'gray.7'} variant="filled">
                {cancelled.attendance === 'cancelled_billable' ? 'Cancelled late' : 'Cancelled'}
              </Badge>
            ) : (
              <Badge color="blue.9" variant="filled">
                Planned
              </Badge>
            )}
            {occurrence.overridden && (
              <Badge color="violet.9" variant="filled">
                Changed
              </Badge>
            )}
          </Group>
        </Stack>
        {!cancelled && !started && (
          <Group gap="xs">
            <Button variant="default" onClick={onEdit} aria-label={`Change ${when}`}>
              Change
            </Button>
            <Button variant="outline" color="red" onClick={onCancel} aria-label={`Cancel ${when}`}>
              Cancel
            </Button>
          </Group>
        )}
      </Group>
    </Paper>
  );
}
