/* "Times in Central Time (America/Chicago)": once per screen that shows or takes times, so a provider away from the district is never misled. */
import { Text } from '@mantine/core';
import { zoneName } from '../today/local-time';

export function ZoneNote({ timeZone }: { timeZone: string }) {
  return (
    <Text size="sm" data-testid="zone-note">
      Times in {zoneName(timeZone)}
    </Text>
  );
}
