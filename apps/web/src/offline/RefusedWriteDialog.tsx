import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { MODAL_PROPS } from '../sessions/modalProps';
import { conflictRows, describeWrite, type RefusedWrite } from './outbox';

/**
 * A change made offline that the API would not take. A conflict (someone
 * else changed the same entry meanwhile) shows both versions and lets the
 * provider keep either; any other refusal (the session was posted, a time
 * outside the session) states the API's reason and can only be dropped.
 */
export function RefusedWriteDialog({ refused, onKeepMine, onKeepTheirs }: { refused: RefusedWrite; onKeepMine: () => void; onKeepTheirs: () => void }) {
  const conflict = refused.status === 409 && refused.code.endsWith('.STALE') && Boolean(refused.server);
  const what = describeWrite(refused.write, refused.server);
  return (
    <Modal
      {...MODAL_PROPS}
      opened
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      size="lg"
      onClose={() => undefined}
      title={conflict ? 'Changed by someone else while you were offline' : 'A change kept on this device was refused'}
    >
      <Stack gap="sm">
        <Text>
          <strong>{what}</strong>, made {new Date(refused.write.createdAt).toLocaleString()}.
        </Text>
        <Text>{conflict ? 'The same entry was changed on the server since you last saw it. Choose which version to keep.' : refused.message}</Text>
        <Table withTableBorder striped aria-label="Your change beside the server's version">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Field</Table.Th>
              <Table.Th scope="col">Your change</Table.Th>
              <Table.Th scope="col">On the server now</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {conflictRows(refused.write, refused.server).map((row) => (
              <Table.Tr key={row.field}>
                <Table.Th scope="row">{row.field}</Table.Th>
                <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{row.mine}</Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{row.theirs}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="flex-end">
          <Button variant="default" onClick={onKeepTheirs}>
            {conflict ? 'Keep the server’s version' : 'Drop my change'}
          </Button>
          {conflict && <Button onClick={onKeepMine}>Keep my change</Button>}
        </Group>
      </Stack>
    </Modal>
  );
}
