/*
 * Work orders of the admin's schools (a district admin's: all), filtered by
 * school, provider, type and active (kept in the address), newest first, a
 * page at a time; create one, change its rate, dates and description,
 * deactivate or reactivate it.
 */
import { Alert, Badge, Button, Group, Modal, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { pageCount } from '../admin/filters';
import { useAdminSchools, useProviders, useStaffNames } from '../admin/api';
import { schoolName as nameOfSchool } from '../admin/labels';
import { NarrowFacts } from '../admin/parts';
import { Pager } from '../admin/Pager';
import { administers } from '../admin/roles';
import { useCurrentUser } from '../auth/useCurrentUser';
import { formatDay } from '../payroll/format';
import { MODAL_PROPS } from '../sessions/modalProps';
import { workOrderLabel } from '../sessions/SessionPage';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { ColumnHeads } from '../ui/ColumnHeads';
import { Loading } from '../ui/Loading';
import { useSetActive, useWorkOrders, WORK_ORDERS_PAGE_SIZE, type WorkOrder } from './api';
import { changeFilter, NO_FILTERS, readFilters, WORK_ORDER_TYPES, writeFilters, type WorkOrderFilters } from './filters';
import { formatRate } from './pay';
import { WorkOrderModal } from './WorkOrderModal';

const ACTIVE_OPTIONS = [
  { value: 'yes', label: 'Active only' },
  { value: 'no', label: 'Deactivated only' },
];

export function WorkOrdersPage() {
  const { me } = useCurrentUser();
  // Providers and payroll may read work orders too, but only admins issue them: this screen is theirs.
  if (!administers(me.roles)) {
    return (
      <Stack maw={1000} mx="auto" gap="md">
        <Title order={1}>Work orders</Title>
        <Alert color="gray" variant="light" role="alert" title="This screen is for district and school admins">
          <Text size="sm">Your work orders are offered when you start a session. Ask a school admin to issue or change one.</Text>
        </Alert>
      </Stack>
    );
  }
  return <WorkOrders />;
}

function WorkOrders() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => readFilters(search), [search]);
  const apply = (next: WorkOrderFilters) => setSearch(writeFilters(next), { preventScrollReset: true });
  const change = (part: Partial<Omit<WorkOrderFilters, 'page'>>) => apply(changeFilter(filters, part));
  const [dialog, setDialog] = useState<{ editing: WorkOrder | null } | null>(null);
  const [deactivating, setDeactivating] = useState<WorkOrder | null>(null);

  const schools = useAdminSchools();
  const providers = useProviders(filters.schoolId);
  const orders = useWorkOrders(filters, true);
  const setActive = useSetActive();
  const schoolNames = useMemo(() => new Map((schools.data ?? []).map((school) => [school.id, school.name])), [schools.data]);
  const listedProviders = useMemo(() => new Map((providers.data ?? []).map((staff) => [staff.id, `${staff.firstName} ${staff.lastName}`])), [providers.data]);
  const unnamed = useMemo(() => [...new Set((orders.data?.items ?? []).map((order) => order.providerId))].filter((id) => !listedProviders.has(id)), [orders.data, listedProviders]);
  const otherNames = useStaffNames(unnamed);
  const providerName = (id: string) => listedProviders.get(id) ?? otherNames.get(id) ?? 'A provider';
  const schoolName = (id: string) => nameOfSchool(schoolNames, id);

  const providerOptions = [...listedProviders].map(([value, label]) => ({ value, label }));
  if (filters.providerId && !listedProviders.has(filters.providerId)) providerOptions.unshift({ value: filters.providerId, label: 'The chosen provider' });
  const total = orders.data?.total ?? 0;
  const pages = pageCount(total, WORK_ORDERS_PAGE_SIZE);
  const filtered = writeFilters({ ...filters, page: 1 }).size > 0;

  return (
    <Stack maw={1000} mx="auto" gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Work orders</Title>
          <Text>What authorises paid work: a provider, at a school, of a type, at a pay rate, between two days.</Text>
        </div>
        <Button onClick={() => setDialog({ editing: null })}>New work order</Button>
      </Group>

      <Paper withBorder p="md" component="form" role="search" aria-label="Filter work orders" onSubmit={(event) => event.preventDefault()}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <Select label="School" placeholder="All schools" data={[...schoolNames].map(([value, label]) => ({ value, label }))} value={filters.schoolId} onChange={(schoolId) => change({ schoolId, providerId: null })} clearable searchable nothingFoundMessage="No school by that name" />
          <Select label="Provider" placeholder="All providers" data={providerOptions} value={filters.providerId} onChange={(providerId) => change({ providerId })} clearable searchable nothingFoundMessage="No provider by that name" />
          <Select label="Type" placeholder="All types" data={WORK_ORDER_TYPES.map((type) => ({ value: type, label: workOrderLabel(type) }))} value={filters.type} onChange={(type) => change({ type })} clearable />
          <Select
            label="Active"
            placeholder="Active and deactivated"
            data={ACTIVE_OPTIONS}
            value={filters.active === null ? null : filters.active ? 'yes' : 'no'}
            onChange={(value) => change({ active: value === null ? null : value === 'yes' })}
            clearable
          />
        </SimpleGrid>
        {filtered && (
          <Button variant="subtle" mt="sm" onClick={() => apply(NO_FILTERS)}>
            Clear the filters
          </Button>
        )}
      </Paper>

      <ApiErrorAlert error={schools.error} title="The schools could not be loaded" />
      <ApiErrorAlert error={orders.error} title="The work orders could not be loaded" />
      <ApiErrorAlert error={setActive.error} title={setActive.variables?.active ? 'The work order was not reactivated' : 'The work order was not deactivated'} />
      {orders.isPending ? (
        <Loading what="work orders" height={200} />
      ) : orders.data && orders.data.items.length === 0 ? (
        <Text>{filtered ? 'No work order matches these filters.' : 'No work order yet.'}</Text>
      ) : orders.data ? (
        <Table striped verticalSpacing="sm" aria-busy={orders.isFetching} data-testid="work-orders">
          <Table.Caption>
            Page {filters.page} of {pages} · {total} {total === 1 ? 'work order' : 'work orders'}
          </Table.Caption>
          <ColumnHeads columns={[{ label: 'Work order' }, { label: 'Provider', wideOnly: true }, { label: 'School', wideOnly: true }, { label: 'Pay', wideOnly: true }, { label: 'Actions', hiddenLabel: true }]} />
          <Table.Tbody>
            {orders.data.items.map((order) => (
              <Table.Tr key={order.id} data-testid="work-order-row">
                <Table.Th scope="row" fw={400}>
                  <Group gap="xs">
                    <Text fw={600}>{order.typeName}</Text>
                    {!order.active && (
                      <Badge variant="light" color="gray" c="dark.8" miw="max-content">
                        Deactivated
                      </Badge>
                    )}
                  </Group>
                  <Text size="sm">
                    {formatDay(order.validFrom)} to {formatDay(order.validTo)}
                  </Text>
                  {order.description && (
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {order.description}
                    </Text>
                  )}
                  <NarrowFacts facts={[providerName(order.providerId), schoolName(order.schoolId), formatRate(order.payRateCents)]} />
                </Table.Th>
                <Table.Td visibleFrom="sm">{providerName(order.providerId)}</Table.Td>
                <Table.Td visibleFrom="sm">{schoolName(order.schoolId)}</Table.Td>
                <Table.Td visibleFrom="sm">{formatRate(order.payRateCents)}</Table.Td>
                <Table.Td>
                  <Stack gap={6} align="stretch">
                    <Button size="xs" variant="default" onClick={() => setDialog({ editing: order })} aria-label={`Change the ${order.typeName} work order of ${providerName(order.providerId)}`}>
                      Change
                    </Button>
                    {order.active ? (
                      <Button size="xs" variant="default" onClick={() => setDeactivating(order)} aria-label={`Deactivate the ${order.typeName} work order of ${providerName(order.providerId)}`}>
                        Deactivate
                      </Button>
                    ) : (
                      <Button
                        size="xs"
                        variant="default"
                        loading={setActive.isPending && setActive.variables?.id === order.id}
                        onClick={() => setActive.mutate({ id: order.id, active: true })}
                        aria-label={`Reactivate the ${order.typeName} work order of ${providerName(order.providerId)}`}
                      >
                        Reactivate
                      </Button>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Pager label="Pages of work orders" page={filters.page} pages={pages} onPage={(page) => apply({ ...filters, page })} />

      <WorkOrderModal opened={dialog !== null} editing={dialog?.editing ?? null} onClose={() => setDialog(null)} schoolName={schoolName} providerName={providerName} />
      <Modal opened={deactivating !== null} onClose={() => setDeactivating(null)} title="Deactivate the work order?" centered {...MODAL_PROPS}>
        {deactivating && (
          <Stack gap="sm">
            <Text size="sm">
              {deactivating.typeName} of {providerName(deactivating.providerId)} at {schoolName(deactivating.schoolId)}. Sessions started before now stay covered and paid; later ones are not. You can reactivate it.
            </Text>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setDeactivating(null)}>
                Keep it active
              </Button>
              <Button
                color="red.8"
                loading={setActive.isPending}
                onClick={() => setActive.mutate({ id: deactivating.id, active: false }, { onSettled: () => setDeactivating(null) })}
              >
                Deactivate
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
