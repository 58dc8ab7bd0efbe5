/* The provider's series: what each is, when it repeats, and whether a "this and following" change split it. */
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { Loading } from '../ui/Loading';
import { useCatalogServices, useMySeries, useSchoolList, type Series } from './api';
import { formatLocalDateTime, humanize } from './format';
import { describeRrule } from './rrule';
import { SeriesError } from './SeriesError';

export function SeriesListPage() {
  const { me } = useCurrentUser();
  const series = useMySeries(me.userId);
  const isProvider = me.roles.includes('provider');
  return (
    <Stack maw={900} mx="auto" gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1}>Series</Title>
          <Text>Your recurring sessions.</Text>
        </div>
        {isProvider && (
          <Button component={Link} to="/series/new" size="md" w={{ base: '100%', xs: 'auto' }} leftSection={<span aria-hidden="true">+</span>}>
            New series
          </Button>
        )}
      </Group>
      <SeriesError error={series.error} title="Your series could not be loaded" />
      {series.isPending ? (
        <Loading what="your series" height={96} />
      ) : series.data?.length === 0 ? (
        <Text>No series yet. A series puts recurring sessions on your calendar, ready to start.</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Your series">
          {series.data?.map((one) => <SeriesRow key={one.id} series={one} successor={series.data?.find((other) => other.splitFrom === one.id)} />)}
        </Stack>
      )}
    </Stack>
  );
}

function SeriesRow({ series, successor }: { series: Series; successor?: Series }) {
  const services = useCatalogServices();
  const schools = useSchoolList();
  const serviceName = services.data?.find((s) => s.code === series.service)?.name ?? humanize(series.service);
  const schoolName = schools.data?.find((s) => s.id === series.schoolId)?.name;
  const who = series.groupName ?? (series.students.map((student) => student.name).join(', ') || (series.type === 'individual' ? 'One student' : 'A group'));
  const title = series.description || serviceName;
  return (
    <Paper component="li" withBorder p="sm" data-testid="series-row">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 18rem' }}>
          <Text fw={700}>{title}</Text>
          <Text size="sm">{[series.description ? serviceName : null, who, schoolName, series.placeOfService].filter(Boolean).join(' · ')}</Text>
          <Text size="sm">
            From {formatLocalDateTime(series.start)}, {series.durationMinutes} min · {describeRrule(series.rrule)}
          </Text>
          <Group gap="xs">
            <Badge color={series.type === 'group' ? 'indigo.9' : 'teal.9'} variant="filled">
              {series.type === 'group' ? 'Group' : 'Individual'}
            </Badge>
            {successor && (
              <Badge color="gray.7" variant="filled">
                Continued by a later series
              </Badge>
            )}
          </Group>
        </Stack>
        <Button component={Link} to={`/series/${series.id}`} variant="default" aria-label={`Open the series ${title}, from ${formatLocalDateTime(series.start)}`}>
          Open
        </Button>
      </Group>
    </Paper>
  );
}
