import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={1}>This page does not exist</Title>
      <Text>
        The address may be mistyped, or the screen is not built yet. <Anchor component={Link} to="/today">Go to Today</Anchor>
      </Text>
    </Stack>
  );
}
