/*
 * What payroll decided for a posted session. Payroll decides when the posted
 * event reaches it, so the answer is polled until a decision for the newest
 * version is there.
 */
import { Badge, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { call, useApi } from '../api/useApi';
import { sessionKeys } from '../sessions/api';
import { formatCents } from '../sessions/time';

export function PayOutcome({ sessionId, version }: { sessionId: string; version: number }) {
  const api = useApi();
  const pay = useQuery({
    queryKey: sessionKeys.pay(sessionId),
    queryFn: async () => (await call(api.GET('/api/sessions/{id}/pay', { params: { path: { id: sessionId } } }))),
    refetchInterval: (query) => (query.state.data?.decisions.some((d) => d.sessionVersion >= version) ? false : 2000),
  });
  const decision = pay.data?.decisions.filter((d) => d.sessionVersion <= version).sort((a, b) => b.sessionVersion - a.sessionVersion)[0];
  const waiting = !pay.data?.decisions.some((d) => d.sessionVersion >= version);
  return (
    <Stack gap="xs" component="section" aria-labelledby="pay-heading" aria-live="polite">
      <Title order={2} size="h4" id="pay-heading">
        Pay
      </Title>
      {waiting ? (
        <Group gap="xs">
          <Loader size="xs" aria-hidden />
          <Text>Payroll is deciding…</Text>
        </Group>
      ) : decision ? (
        <Group gap="xs" wrap="wrap">
          <Badge c="dark.8" color={decision.payable ? 'green' : 'orange'} variant="light">
            {decision.payable ? 'Paid' : 'Not paid'}
          </Badge>
          <Text data-testid="pay-decision">
            {decision.payable && decision.amountCents !== null
              ? `${formatCents(decision.amountCents)} for ${decision.adjustedMinutes} minutes at ${formatCents(decision.rateCents ?? 0)}/hour. `
              : ''}
            {decision.reason}
          </Text>
        </Group>
      ) : null}
      {(pay.data?.payLines.length ?? 0) > 0 && (
                  <Table striped aria-label="Pay lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Minutes</Table.Th>
                <Table.Th>Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pay.data?.payLines.map((line) => (
                <Table.Tr key={line.id}>
                  <Table.Td>{line.sessionVersion}</Table.Td>
                  <Table.Td>{line.kind === 'payment' ? 'Payment' : 'Reversal'}</Table.Td>
                  <Table.Td>{line.minutes}</Table.Td>
                  <Table.Td>{formatCents(line.amountCents)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
      )}
    </Stack>
  );
}
