import { Table, VisuallyHidden } from '@mantine/core';

export interface Column {
  label: string;
  /** Hidden on a phone: the first cell carries it there, so nothing scrolls sideways. */
  wideOnly?: boolean;
  /** Amounts and times line up on the right. */
  numeric?: boolean;
  /** A column of buttons: named for screen readers, blank on screen. */
  hiddenLabel?: boolean;
}

/** A table's header row, every cell a column header. */
export function ColumnHeads({ columns }: { columns: Column[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column) => (
          <Table.Th key={column.label} scope="col" visibleFrom={column.wideOnly ? 'sm' : undefined} ta={column.numeric ? 'right' : undefined}>
            {column.hiddenLabel ? <VisuallyHidden>{column.label}</VisuallyHidden> : column.label}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}
