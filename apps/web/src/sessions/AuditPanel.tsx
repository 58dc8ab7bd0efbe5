/*
 * "Will this be paid?" and what still blocks posting, as the audit view says:
 * every item links to the place where it is fixed.
 */
import { Alert, Anchor, Badge, Group, List, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useAudit } from './api';
import { fixLink } from './labels';
import { SessionError } from './SessionError';
import { READABLE_ALERT } from './modalProps';

export function AuditPanel({ sessionId, headingLevel = 2 }: { sessionId: string; headingLevel?: 2 | 3 }) {
  const audit = useAudit(sessionId);
  if (audit.isPending) return <Loader size="sm" aria-label="Checking the session" />;
  if (audit.error) return <SessionError error={audit.error} />;
  const { payment, problems, warnings, postable } = audit.data;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="audit-heading">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={headingLevel} size="h4" id="audit-heading">
            Will this be paid?
          </Title>
          <Badge c="dark.8" color={payment.payable ? 'green' : 'orange'} variant="light" size="lg">
            {payment.payable ? 'Payable' : 'Not payable yet'}
          </Badge>
        </Group>
        <Text data-testid="payment-reason">{payment.reason}</Text>
        {problems.length > 0 ? (
          <div>
            <Text fw={600}>Before posting ({problems.length})</Text>
            <List spacing={4} data-testid="audit-problems">
              {problems.map((p, i) => {
                const fix = fixLink(sessionId, p);
                return (
                  <List.Item key={`${p.code}-${p.participantId ?? i}`}>
                    {p.message} —{' '}
                    <Anchor component={Link} to={fix.to}>
                      {fix.label}
                    </Anchor>
                  </List.Item>
                );
              })}
            </List>
          </div>
        ) : (
          postable && <Text c="teal.9" fw={600}>Nothing is missing: ready to post.</Text>
        )}
        {warnings.length > 0 && (
          <Alert styles={READABLE_ALERT} color="yellow" title="Posts, but">
            <List spacing={4}>
              {warnings.map((w, i) => {
                const fix = fixLink(sessionId, w);
                return (
                  <List.Item key={`${w.code}-${i}`}>
                    {w.message} —{' '}
                    <Anchor component={Link} to={fix.to}>
                      {fix.label}
                    </Anchor>
                  </List.Item>
                );
              })}
            </List>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
