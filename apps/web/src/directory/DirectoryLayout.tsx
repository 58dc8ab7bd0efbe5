/*
 * The directory's frame: its heading and the tabs between its lists. Only
 * admins get past it: providers may read their own groups through the same
 * API, so the frame says the screen is not theirs rather than show them a
 * partial directory.
 */
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { Link, Outlet, useLocation } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { administers } from '../admin/roles';

export const DIRECTORY_TABS = [
  { to: '/admin/directory/staff', label: 'Staff' },
  { to: '/admin/directory/students', label: 'Students' },
  { to: '/admin/directory/guardians', label: 'Guardians' },
  { to: '/admin/directory/groups', label: 'Groups' },
  { to: '/admin/directory/staff-groups', label: 'Staff groups' },
] as const;

/** `/admin/directory/staff` must not also light up for `/admin/directory/staff-groups`. */
export function tabOf(pathname: string): string | undefined {
  return DIRECTORY_TABS.find((tab) => pathname === tab.to || pathname.startsWith(`${tab.to}/`))?.to;
}

export function DirectoryLayout() {
  const { me } = useCurrentUser();
  const { pathname } = useLocation();
  const current = tabOf(pathname);
  if (!administers(me.roles)) {
    return (
      <Stack maw={1000} mx="auto" gap="md">
        <Title order={1}>Directory</Title>
        <Alert color="gray" variant="light" role="alert" title="This screen is for district and school admins">
          <Text size="sm">The people and groups of the district are kept by its administrators. Ask one of them to change a record.</Text>
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack maw={1000} mx="auto" gap="md">
      <div>
        <Title order={1}>Directory</Title>
        <Text>The staff, students, guardians and groups of the schools you administer.</Text>
      </div>
      <Group component="nav" aria-label="Directory" gap="xs">
        {DIRECTORY_TABS.map((tab) => (
          <Button key={tab.to} component={Link} to={tab.to} variant={current === tab.to ? 'filled' : 'default'} aria-current={current === tab.to ? 'page' : undefined} size="sm">
            {tab.label}
          </Button>
        ))}
      </Group>
      <Outlet />
    </Stack>
  );
}
