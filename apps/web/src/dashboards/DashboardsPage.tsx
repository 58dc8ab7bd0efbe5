/*
 * Dashboards of the admin's schools as charts: student minutes by a chosen
 * grouping, planned against delivered minutes per student, coaching time.
 * Filters live in the address (`?from=&to=&school=&anonymized=1&minutes=&coaching=&page=`);
 * anonymized, the groups the API leaves out are said as such and no student is named.
 */
import { Button, Checkbox, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useAdminSchools, useServiceNames } from '../admin/api';
import { pageCount, rangeProblem } from '../admin/filters';
import { Pager } from '../admin/Pager';
import { ApiError } from '../api/errors';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { DOSAGE_PAGE_SIZE, useCoachingDashboard, useDosageDashboard, useMinutesDashboard } from './api';
import { DosageBars, GroupBars, WeekLine } from './charts';
import { csvFilename } from './csv';
import { Figure } from './Figure';
import {
  changeScope,
  COACHING_GROUPINGS,
  MINUTES_GROUPINGS,
  readDashboardFilters,
  writeDashboardFilters,
  type CoachingGrouping,
  type DashboardFilters,
  type MinutesGrouping,
} from './filters';
import { coachingFigure, dosageFigure, minutesFigure, type Namers } from './shape';

export function DashboardsPage() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => readDashboardFilters(search), [search]);
  const apply = (next: DashboardFilters) => setSearch(writeDashboardFilters(next), { preventScrollReset: true });
  // From the address as it is now, not as last rendered: the router renders a navigation in a transition, so
  // typing a second date before that render would otherwise write the first one back out.
  const latest = () => readDashboardFilters(new URLSearchParams(window.location.search));
  const scope = (change: Parameters<typeof changeScope>[1]) => apply(changeScope(latest(), change));
  const problem = rangeProblem(filters);

  const schools = useAdminSchools();
  const serviceName = useServiceNames();
  const names: Namers = useMemo(() => {
    const schoolNames = new Map((schools.data ?? []).map((school) => [school.id, school.name]));
    return { service: serviceName, school: (id) => schoolNames.get(id) };
  }, [schools.data, serviceName]);
  const minutes = useMinutesDashboard(filters, !problem);
  const dosage = useDosageDashboard(filters, !problem);
  const coaching = useCoachingDashboard(filters, !problem);
  // One refusal for the whole screen: the three dashboards refuse the same roles for the same reason.
  const refusal = [minutes.error, dosage.error, coaching.error].find((error) => error instanceof ApiError && error.status === 403);

  return (
    <Stack maw={1000} mx="auto" gap="md">
      <div>
        <Title order={1}>Dashboards</Title>
        <Text>Posted sessions of the schools you administer, on the dates you choose (the district’s calendar days). Each chart can be read as a table and downloaded as CSV.</Text>
      </div>

      <Paper withBorder p="md" component="form" role="search" aria-label="Filter the dashboards" onSubmit={(event) => event.preventDefault()}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <TextInput type="date" label="From" value={filters.from ?? ''} onChange={(e) => scope({ from: e.currentTarget.value || null })} />
          <TextInput type="date" label="To" value={filters.to ?? ''} onChange={(e) => scope({ to: e.currentTarget.value || null })} error={problem} />
          <Select
            label="School"
            placeholder="All my schools"
            data={(schools.data ?? []).map((school) => ({ value: school.id, label: school.name }))}
            value={filters.schoolId}
            onChange={(schoolId) => scope({ schoolId })}
            clearable
            searchable
            nothingFoundMessage="No school by that name"
          />
          <Checkbox
            label="Anonymized"
            description="No student named; groups smaller than the district’s minimum left out"
            checked={filters.anonymized}
            onChange={(e) => scope({ anonymized: e.currentTarget.checked })}
            mt={{ base: 0, md: 'xl' }}
          />
        </SimpleGrid>
        {writeDashboardFilters({ ...filters, minutesBy: MINUTES_GROUPINGS[0].value, coachingBy: COACHING_GROUPINGS[0].value, dosagePage: 1 }).size > 0 && (
          <Button variant="subtle" mt="sm" onClick={() => apply(changeScope(latest(), { schoolId: null, from: null, to: null, anonymized: false }))}>
            Clear the filters
          </Button>
        )}
      </Paper>

      <ApiErrorAlert error={schools.error} title="The schools could not be loaded" />
      {refusal ? (
        <ApiErrorAlert error={refusal} title="The dashboards could not be loaded" />
      ) : problem ? null : (
        <>
          <MinutesSection filters={filters} names={names} query={minutes} onGrouping={(minutesBy) => apply({ ...latest(), minutesBy })} />
          <DosageSection filters={filters} query={dosage} onPage={(dosagePage) => apply({ ...latest(), dosagePage })} />
          <CoachingSection filters={filters} names={names} query={coaching} onGrouping={(coachingBy) => apply({ ...latest(), coachingBy })} />
        </>
      )}
    </Stack>
  );
}

type Query<T> = { data: T | undefined; error: unknown; isPending: boolean; isFetching: boolean };

function MinutesSection({ filters, names, query, onGrouping }: { filters: DashboardFilters; names: Namers; query: Query<Parameters<typeof minutesFigure>[0]>; onGrouping: (groupBy: MinutesGrouping) => void }) {
  const grouping = (
    <Select
      label="Group by"
      data={MINUTES_GROUPINGS}
      value={filters.minutesBy}
      onChange={(value) => value && onGrouping(value as MinutesGrouping)}
      allowDeselect={false}
      w={{ base: '100%', xs: 240 }}
    />
  );
  if (query.error) return <ApiErrorAlert error={query.error} title="The minutes could not be loaded" />;
  if (!query.data) return <Loading what="the minutes" height={240} />;
  const reply = query.data;
  const figure = minutesFigure(reply, names);
  const label = MINUTES_GROUPINGS.find((g) => g.value === reply.groupBy)?.label.toLowerCase() ?? reply.groupBy;
  return (
    <Figure
      id="minutes"
      title={`Student minutes by ${label}`}
      description="Minutes each student received in posted sessions (0 for one absent); a student with several qualifiers counts under each."
      controls={grouping}
      chart={figure.bars.length === 0 ? null : reply.groupBy === 'week' ? <WeekLine bars={figure.bars} /> : <GroupBars bars={figure.bars} />}
      empty={figure.leftOut ? 'Every group was left out.' : 'No posted session on these dates.'}
      table={figure.table}
      leftOut={figure.leftOut}
      filename={csvFilename(`minutes-by-${reply.groupBy}`, reply)}
      busy={query.isFetching}
    />
  );
}

function DosageSection({ filters, query, onPage }: { filters: DashboardFilters; query: Query<Parameters<typeof dosageFigure>[0]>; onPage: (page: number) => void }) {
  if (query.error) return <ApiErrorAlert error={query.error} title="The dosage could not be loaded" />;
  if (!query.data) return <Loading what="the dosage" height={240} />;
  const reply = query.data;
  const figure = dosageFigure(reply);
  const pages = pageCount(reply.total, DOSAGE_PAGE_SIZE);
  return (
    <Figure
      id="dosage"
      title={reply.anonymized ? 'Planned and delivered minutes, all students' : 'Planned and delivered minutes per student'}
      description={
        reply.anonymized ? 'Anonymized: the totals only, with no student named.' : `The session’s planned minutes for each of its students, against the minutes each received. ${DOSAGE_PAGE_SIZE} students a page, by name.`
      }
      chart={figure.bars.length === 0 ? null : <DosageBars bars={figure.bars} />}
      empty={figure.withheld ?? 'No student in a posted session on these dates.'}
      table={figure.table}
      leftOut={null}
      filename={csvFilename(reply.anonymized ? 'dosage-totals' : `dosage-page-${filters.dosagePage}`, reply)}
      busy={query.isFetching}
      footer={!reply.anonymized && <Pager label="Pages of students" page={filters.dosagePage} pages={pages} onPage={onPage} />}
    />
  );
}

function CoachingSection({ filters, names, query, onGrouping }: { filters: DashboardFilters; names: Namers; query: Query<Parameters<typeof coachingFigure>[0]>; onGrouping: (groupBy: CoachingGrouping) => void }) {
  const grouping = (
    <Select
      label="Group by"
      data={COACHING_GROUPINGS}
      value={filters.coachingBy}
      onChange={(value) => value && onGrouping(value as CoachingGrouping)}
      allowDeselect={false}
      w={{ base: '100%', xs: 240 }}
    />
  );
  if (query.error) return <ApiErrorAlert error={query.error} title="The coaching time could not be loaded" />;
  if (!query.data) return <Loading what="the coaching time" height={240} />;
  const reply = query.data;
  const figure = coachingFigure(reply, names);
  const label = COACHING_GROUPINGS.find((g) => g.value === reply.groupBy)?.label.toLowerCase() ?? reply.groupBy;
  return (
    <Figure
      id="coaching"
      title={`Coaching time by ${label}`}
      description="Minutes teachers spent in posted coaching sessions; a teacher in two groups counts in both."
      controls={grouping}
      chart={figure.bars.length === 0 ? null : <GroupBars bars={figure.bars} />}
      empty={figure.leftOut ? 'Every group was left out.' : 'No posted coaching session on these dates.'}
      table={figure.table}
      leftOut={figure.leftOut}
      filename={csvFilename(`coaching-by-${reply.groupBy}`, reply)}
      busy={query.isFetching}
    />
  );
}
