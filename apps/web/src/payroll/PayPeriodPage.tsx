/*
 * One pay period: its totals, its lines per provider (net of reversals, with
 * payroll's reason for a session that ended up unpaid), the payroll and
 * billing CSVs, and closing it once late entries are over.
 */
import { ColumnHeads } from '../ui/ColumnHeads';
import { Anchor, Button, Group, Modal, type ModalProps, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { localDate } from '../today/local-time';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { idempotencyKey, useBillingCsv, useClosePeriod, usePayPeriod, usePayrollCsv, usePeriodLines, useSessionDecisions } from './api';
import { formatDay, formatInstant, formatMinutes, formatMoney, formatPeriod } from './format';
import { closeState, groupByProvider, lineHistory, runsPayroll, sessionsWithReversals, type PayPeriod, type ProviderPay } from './period';
import { StatusBadge } from './PayPeriodsPage';

/** A named close button and an opaque backdrop: the screen behind neither distracts nor counts as low-contrast text. */
const MODAL_PROPS = {
  closeButtonProps: { 'aria-label': 'Close the dialog' },
  overlayProps: { color: '#e9ecef', backgroundOpacity: 1 },
} satisfies Partial<ModalProps>;

export function PayPeriodPage() {
  const { id = '' } = useParams();
  const period = usePayPeriod(id);
  return (
    <Stack maw={960} mx="auto" gap="md">
      <Anchor component={Link} to="/payroll" size="sm">
        All pay periods
      </Anchor>
      <ApiErrorAlert error={period.error} title="The pay period could not be loaded" />
      {period.isPending && <Loading what="the pay period" height={200} />}
      {period.data && <PeriodDetail period={period.data} />}
    </Stack>
  );
}

function PeriodDetail({ period }: { period: PayPeriod }) {
  const { me, district } = useCurrentUser();
  const title = formatPeriod(period.startsOn, period.endsOn);
  const state = closeState(period, localDate(new Date(), district.timeZone), me.roles);
  const payrollCsv = usePayrollCsv(period);
  const billingCsv = useBillingCsv(period);
  const { totals } = period;

  return (
    <>
      <div>
        <Title order={1}>Pay period {title}</Title>
        <Group gap="xs" mt={4}>
          <StatusBadge status={period.status} />
          <Text size="sm" data-testid="period-status">
            {period.status === 'closed' && period.closedAt
              ? `Closed ${formatInstant(period.closedAt, district.timeZone)}`
              : `Late entries accepted until ${formatDay(period.lateEntryCutoff)}`}
          </Text>
        </Group>
      </div>

      <Paper withBorder p="md" component="section" aria-labelledby="totals-heading">
        <Title order={2} size="h4" id="totals-heading" mb="xs">
          Totals
        </Title>
        <SimpleGrid component="dl" cols={{ base: 2, sm: 3 }} spacing="sm" verticalSpacing="xs" m={0} data-testid="period-totals">
          <Total label="Amount" value={formatMoney(totals.amountCents)} />
          <Total label="Time paid" value={formatMinutes(totals.minutes)} />
          <Total label="Providers" value={String(totals.providers)} />
          <Total label="Pay lines" value={String(totals.payLines)} />
          <Total label="Billable lines" value={String(totals.billableLines)} />
          <Total label="Billable units" value={String(totals.billableUnits)} />
        </SimpleGrid>
        <Text size="sm" mt="xs">
          Amounts and time are net of reversals.
        </Text>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="files-heading">
        <Title order={2} size="h4" id="files-heading" mb="xs">
          Files
        </Title>
        {period.status === 'open' && (
          <Text size="sm" mb="xs">
            The period is open: its files are provisional and may still change. The files made after closing are the final ones.
          </Text>
        )}
        <Group gap="sm" wrap="wrap">
          {runsPayroll(me.roles) && (
            <Button variant="default" loading={payrollCsv.isPending} onClick={() => payrollCsv.mutate()} w={{ base: '100%', xs: 'auto' }}>
              Download payroll CSV
            </Button>
          )}
          <Button variant="default" loading={billingCsv.isPending} onClick={() => billingCsv.mutate()} w={{ base: '100%', xs: 'auto' }}>
            Download billing CSV
          </Button>
        </Group>
        <Stack gap="xs" mt={payrollCsv.error || billingCsv.error ? 'sm' : 0}>
          <ApiErrorAlert error={payrollCsv.error} title="The payroll CSV could not be made" />
          <ApiErrorAlert error={billingCsv.error} title="The billing CSV could not be made" />
        </Stack>
      </Paper>

      <ClosingSection period={period} title={title} state={state} />

      <PeriodLines period={period} />
    </>
  );
}

function Total({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text component="dt" size="sm">
        {label}
      </Text>
      <Text component="dd" fw={700} size="lg" m={0}>
        {value}
      </Text>
    </div>
  );
}

function ClosingSection({ period, title, state }: { period: PayPeriod; title: string; state: ReturnType<typeof closeState> }) {
  const [opened, { open, close }] = useDisclosure(false);
  const closing = useClosePeriod(period.id);
  // One key per opening of the dialog: clicking again after a lost answer is answered once, not closed twice.
  const key = useRef('');
  if (state.kind === 'closed' || state.kind === 'not-yours') return null;

  const openDialog = () => {
    key.current = idempotencyKey();
    closing.reset();
    open();
  };
  const confirm = () => closing.mutate({ key: key.current }, { onSuccess: close });

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="closing-heading">
      <Title order={2} size="h4" id="closing-heading" mb="xs">
        Closing
      </Title>
      {state.kind === 'late-entries-open' ? (
        <Text size="sm" data-testid="close-not-yet">
          Sessions of this period may still be entered until {formatDay(period.lateEntryCutoff)}. It can be closed from {formatDay(state.closableFrom)}.
        </Text>
      ) : (
        <>
          <Text size="sm" mb="sm">
            Late entries are over. Closing makes the period final.
          </Text>
          <Button color="red.8" onClick={openDialog} w={{ base: '100%', xs: 'auto' }}>
            Close period
          </Button>
        </>
      )}
      <Modal opened={opened} onClose={close} title={`Close the pay period ${title}?`} centered {...MODAL_PROPS}>
        <Stack gap="sm">
          <Text>Closing is final: it cannot be reopened.</Text>
          <Text>
            No pay or billing line is added to it any more. A session of these dates posted or amended from now on is paid in the next open period. The payroll CSV downloaded after
            closing is the period’s final file.
          </Text>
          <ApiErrorAlert error={closing.error} title="The period was not closed" />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Keep it open
            </Button>
            <Button color="red.8" loading={closing.isPending} onClick={confirm}>
              Close the period
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function PeriodLines({ period }: { period: PayPeriod }) {
  const lines = usePeriodLines(period.id);
  const reversed = useMemo(() => sessionsWithReversals(lines.data ?? []), [lines.data]);
  const decisions = useSessionDecisions(reversed);
  const providers = useMemo(() => groupByProvider(lines.data ?? [], decisions.decisions), [lines.data, decisions.decisions]);

  return (
    <Stack component="section" aria-labelledby="lines-heading" gap="sm">
      <Title order={2} id="lines-heading">
        Lines per provider
      </Title>
      <ApiErrorAlert error={lines.error} title="The pay lines could not be loaded" />
      <ApiErrorAlert error={decisions.error} title="Why some sessions are not paid could not be loaded" />
      {lines.isPending ? (
        <Loading what="pay lines" height={160} />
      ) : lines.data?.length === 0 ? (
        <Text>No pay line in this period.</Text>
      ) : (
        providers.map((provider) => <ProviderLines key={provider.providerId} provider={provider} />)
      )}
    </Stack>
  );
}

function ProviderLines({ provider }: { provider: ProviderPay }) {
  const headingId = `provider-${provider.providerId}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-testid="provider-lines">
      <Group justify="space-between" wrap="wrap" gap="xs" mb="xs">
        <Title order={3} size="h4" id={headingId}>
          {provider.providerName}
        </Title>
        <Text fw={700} data-testid="provider-amount">
          {formatMoney(provider.amountCents)} · {formatMinutes(provider.minutes)}
        </Text>
      </Group>
      <Table verticalSpacing="xs" striped>
        <Table.Caption>
          Sessions of {provider.providerName} in this period, net of reversals
        </Table.Caption>
        <ColumnHeads columns={[{ label: 'Session' }, { label: 'Time', numeric: true }, { label: 'Amount', numeric: true }]} />
        <Table.Tbody>
          {provider.sessions.map((session) => (
            <Table.Tr key={session.sessionId} data-testid="session-pay-row">
              <Table.Th scope="row" fw={400}>
                <Anchor component={Link} to={`/sessions/${session.sessionId}`} fw={600}>
                  {formatDay(session.sessionDate)}
                </Anchor>
                <Text size="sm">
                  {lineHistory(session.lines)}
                  {session.lines.length > 1 && ` (${session.lines.map((line) => formatMoney(line.amountCents)).join(', ')})`}
                </Text>
                {session.unpaidReason && (
                  <Text size="sm" c="red.9" data-testid="unpaid-reason">
                    Not paid: {session.unpaidReason}
                  </Text>
                )}
              </Table.Th>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {formatMinutes(session.minutes)}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {formatMoney(session.amountCents)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row">Total</Table.Th>
            <Table.Td ta="right" fw={700} style={{ whiteSpace: 'nowrap' }}>
              {formatMinutes(provider.minutes)}
            </Table.Td>
            <Table.Td ta="right" fw={700} style={{ whiteSpace: 'nowrap' }}>
              {formatMoney(provider.amountCents)}
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Paper>
  );
}
