/* Pay periods, latest first, a page at a time; each opens its lines, totals, exports and closing. */
import { ColumnHeads } from '../ui/ColumnHeads';
import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { PERIODS_PAGE_SIZE, usePayPeriods } from './api';
import { formatMoney, formatPeriod } from './format';
import type { PayPeriod } from './period';

export function PayPeriodsPage() {
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  const periods = usePayPeriods(page);
  const pages = Math.max(1, Math.ceil((periods.data?.total ?? 0) / PERIODS_PAGE_SIZE));
  const goTo = (next: number) => setSearch(next === 1 ? {} : { page: String(next) });

  return (
    <Stack maw={900} mx="auto" gap="md">
      <div>
        <Title order={1}>Payroll</Title>
        <Text>Pay periods, latest first. Open one for its lines per provider, its exports and closing.</Text>
      </div>
      <ApiErrorAlert error={periods.error} title="The pay periods could not be loaded" />
      {periods.isPending ? (
        <Loading what="pay periods" height={160} />
      ) : periods.data && periods.data.items.length === 0 ? (
        <Text>No pay period yet. A period is made when the first posted session of its dates is paid.</Text>
      ) : periods.data ? (
        <>
          <Table striped highlightOnHover verticalSpacing="sm" aria-busy={periods.isFetching}>
            <Table.Caption>
              Page {page} of {pages} · {periods.data.total} {periods.data.total === 1 ? 'period' : 'periods'}
            </Table.Caption>
            <ColumnHeads columns={[{ label: 'Period' }, { label: 'Status' }, { label: 'Amount', numeric: true }]} />
            <Table.Tbody>
              {periods.data.items.map((period) => (
                <PeriodRow key={period.id} period={period} />
              ))}
            </Table.Tbody>
          </Table>
          {pages > 1 && (
            <Group component="nav" aria-label="Pages of pay periods" justify="space-between">
              <Button variant="default" disabled={page <= 1} onClick={() => goTo(page - 1)}>
                Newer periods
              </Button>
              <Button variant="default" disabled={page >= pages} onClick={() => goTo(page + 1)}>
                Older periods
              </Button>
            </Group>
          )}
        </>
      ) : null}
    </Stack>
  );
}

function PeriodRow({ period }: { period: PayPeriod }) {
  return (
    <Table.Tr data-testid="pay-period-row">
      <Table.Th scope="row" fw={400}>
        <Anchor component={Link} to={`/payroll/periods/${period.id}`} fw={600}>
          {formatPeriod(period.startsOn, period.endsOn)}
        </Anchor>
        <Text size="sm">
          {period.totals.providers} {period.totals.providers === 1 ? 'provider' : 'providers'} · {period.totals.payLines} pay {period.totals.payLines === 1 ? 'line' : 'lines'}
        </Text>
      </Table.Th>
      <Table.Td>
        <StatusBadge status={period.status} />
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
        {formatMoney(period.totals.amountCents)}
      </Table.Td>
    </Table.Tr>
  );
}

export function StatusBadge({ status }: { status: PayPeriod['status'] }) {
  // Dark text on a light tint: the filled badges' white text on blue/gray falls short of 4.5:1 at this size.
  // At its full width: in a narrow table column the label would otherwise be cut to "OP…".
  return (
    <Badge variant="light" color={status === 'open' ? 'blue' : 'gray'} c="dark.8" miw="max-content">
      {status === 'open' ? 'Open' : 'Closed'}
    </Badge>
  );
}
