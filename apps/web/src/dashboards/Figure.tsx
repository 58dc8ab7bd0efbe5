/*
 * A chart with what makes it usable by everyone: the same numbers as a
 * table (read by screen readers always, shown on request), the note of any
 * group the API left out, and "Download CSV" of exactly the table's cells.
 */
import { Button, Group, Paper, Stack, Table, Text, Title, useMatches, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { saveCsv } from '../payroll/api';
import { ColumnHeads } from '../ui/ColumnHeads';
import { buildCsv, type Cell, type FigureTable } from './csv';

export interface FigureProps {
  id: string;
  title: string;
  description: string;
  /** The grouping choice or the pager, beside the title. */
  controls?: ReactNode;
  /** Null while there is nothing to draw (no session, or every group left out). */
  chart: ReactNode;
  /** Said instead of a chart when there is nothing to draw. */
  empty: string;
  table: FigureTable;
  /** Said under the chart: what the API left out. */
  leftOut: string | null;
  filename: string;
  busy: boolean;
  footer?: ReactNode;
}

export function Figure({ id, title, description, controls, chart, empty, table, leftOut, filename, busy, footer }: FigureProps) {
  const [tableShown, { toggle }] = useDisclosure(false);
  const hasRows = table.rows.length > 0;
  const dataTable = <FigureDataTable id={`${id}-table`} caption={title} table={table} busy={busy} />;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${id}-title`} data-testid={`${id}-figure`} style={{ minWidth: 0 }}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end" gap="sm">
          <div style={{ minWidth: 0 }}>
            <Title order={2} size="h3" id={`${id}-title`}>
              {title}
            </Title>
            <Text size="sm">{description}</Text>
          </div>
          {controls}
        </Group>
        {chart ?? <Text>{empty}</Text>}
        {leftOut && (
          <Text size="sm" fw={600} data-testid="left-out">
            {leftOut}, to protect their privacy.
          </Text>
        )}
        {hasRows && (
          <Group gap="sm">
            <Button variant="default" onClick={toggle} aria-controls={`${id}-table`}>
              {tableShown ? 'Hide the table' : 'Show as table'}
            </Button>
            <Button variant="default" onClick={() => saveCsv({ text: buildCsv(table), filename })}>
              Download CSV
            </Button>
          </Group>
        )}
        {hasRows && (tableShown ? dataTable : <VisuallyHidden>{dataTable}</VisuallyHidden>)}
        {footer}
      </Stack>
    </Paper>
  );
}

const shown = (cell: Cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : (cell ?? ''));

function FigureDataTable({ id, caption, table, busy }: { id: string; caption: string; table: FigureTable; busy: boolean }) {
  // Five or six columns fit a phone only with tighter cells and smaller type.
  const phone = useMatches({ base: true, sm: false });
  return (
    <Table id={id} striped verticalSpacing="xs" horizontalSpacing={phone ? 4 : 'xs'} fz={phone ? 'xs' : 'sm'} aria-busy={busy} data-testid="figure-table">
      <Table.Caption>{caption}</Table.Caption>
      <ColumnHeads columns={table.head.map((label, i) => ({ label, numeric: i > 0 }))} />
      <Table.Tbody>
        {table.rows.map((row, r) => (
          <Table.Tr key={r}>
            {row.map((cell, c) =>
              c === 0 ? (
                <Table.Th key={c} scope="row" fw={400} style={{ overflowWrap: 'anywhere' }}>
                  {shown(cell)}
                </Table.Th>
              ) : (
                <Table.Td key={c} ta="right">
                  {shown(cell)}
                </Table.Td>
              ),
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
