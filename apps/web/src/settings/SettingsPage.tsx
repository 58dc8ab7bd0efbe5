/*
 * District settings for district admins: the district itself, the session
 * catalog, the schools' bell schedules and the closure days, one tab each
 * (the tab in the address, `?section=`, so a reload or a link opens it). The
 * tabs stay mounted, so switching between them keeps what was typed.
 */
import { Alert, Stack, Tabs, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { runsDistrict } from '../district-admin/roles';
import { BellSchedulePanel } from './BellSchedulePanel';
import { CatalogPanel } from './CatalogPanel';
import { ClosureDaysPanel } from './ClosureDaysPanel';
import { DistrictPanel } from './DistrictPanel';

const SECTIONS = [
  { value: 'district', label: 'District' },
  { value: 'catalog', label: 'Session catalog' },
  { value: 'bell-schedules', label: 'Bell schedules' },
  { value: 'closure-days', label: 'Closure days' },
] as const;
type Section = (typeof SECTIONS)[number]['value'];

export function SettingsPage() {
  const { me } = useCurrentUser();
  // Every signed-in user may read the district, so the screen cannot leave the refusal to the API.
  if (!runsDistrict(me.roles)) {
    return (
      <Stack maw={1000} mx="auto" gap="md">
        <Title order={1}>District settings</Title>
        <Alert color="gray" variant="light" role="alert" title="This screen is for district admins">
          <Text size="sm">The district’s settings, catalog, bell schedules and closure days are changed by a district admin. Ask yours for a change.</Text>
        </Alert>
      </Stack>
    );
  }
  return <Settings />;
}

function Settings() {
  const { district } = useCurrentUser();
  const [search, setSearch] = useSearchParams();
  const asked = search.get('section');
  const section: Section = SECTIONS.some((s) => s.value === asked) ? (asked as Section) : 'district';
  return (
    <Stack maw={1000} mx="auto" gap="md">
      <div>
        <Title order={1}>District settings</Title>
        <Text>How {district.name} works: its clock and windows, what providers log, when schools are open.</Text>
      </div>
      <Tabs value={section} onChange={(value) => setSearch(value && value !== 'district' ? { section: value } : {}, { replace: true })} keepMounted>
        <Tabs.List>
          {SECTIONS.map(({ value, label }) => (
            <Tabs.Tab key={value} value={value} fw={600}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="district" pt="md">
          <DistrictPanel />
        </Tabs.Panel>
        <Tabs.Panel value="catalog" pt="md">
          <CatalogPanel />
        </Tabs.Panel>
        <Tabs.Panel value="bell-schedules" pt="md">
          <BellSchedulePanel timeZone={district.timeZone} />
        </Tabs.Panel>
        <Tabs.Panel value="closure-days" pt="md">
          <ClosureDaysPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
