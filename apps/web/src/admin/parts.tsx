/* Small pieces the admin screens share. */
import { Text } from '@mantine/core';
/**
 * On a phone the columns beside the first are hidden and their facts are
 * written under it instead: four columns do not fit 390 px without cutting
 * names into pieces.
 */
export function NarrowFacts({ facts }: { facts: string[] }) {
  return (
    <Text size="sm" hiddenFrom="sm" style={{ overflowWrap: 'anywhere' }}>
      {facts.join(' · ')}
    </Text>
  );
}
