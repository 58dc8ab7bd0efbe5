import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import type { Me } from '@sessionledger/api-client';
import { administers } from '../admin/roles';
import { runsDistrict } from '../district-admin/roles';
import { useAuth } from '../auth/useAuth';
import { useCurrentUser } from '../auth/useCurrentUser';
import { coaches } from '../coaching/roles';
import { LanguagePicker } from '../family/LanguagePicker';
import { isFamily } from '../family/roles';
import { JobNoticesBell } from '../job-notices/JobNoticesBell';
import { readsPayroll } from '../payroll/period';
import { postsSessions, worksWithSessions } from './staff-roles';

/** The current screen's link under the pointer: Mantine's light hover is too dark behind its blue text (4.0:1); this keeps 4.5:1. */
const ACTIVE_HOVER = { '--nl-hover': 'var(--mantine-color-blue-0)' } as CSSProperties;

/** `shownTo` hides an entry from roles the API refuses there, so nobody is offered a screen that only says no; without it, everyone sees it. */
const NAVIGATION: { to: string; label: string; shownTo?: (roles: Me['roles'], me: Me) => boolean }[] = [
  { to: '/today', label: 'Today', shownTo: worksWithSessions },
  { to: '/sessions', label: 'Sessions', shownTo: worksWithSessions },
  { to: '/series', label: 'Series', shownTo: worksWithSessions },
  { to: '/post', label: 'Post', shownTo: postsSessions },
  { to: '/coaching/teachers', label: 'My teachers', shownTo: (_roles, me) => coaches(me) },
  { to: '/payroll', label: 'Payroll', shownTo: readsPayroll },
  { to: '/admin/attention', label: 'Needs attention', shownTo: administers },
  { to: '/admin/sessions', label: 'School sessions', shownTo: administers },
  { to: '/admin/roster-imports', label: 'Roster import', shownTo: runsDistrict },
  { to: '/admin/state-reporting', label: 'State reporting', shownTo: administers },
  { to: '/admin/dashboards', label: 'Dashboards', shownTo: administers },
  { to: '/admin/directory', label: 'Directory', shownTo: administers },
  { to: '/admin/work-orders', label: 'Work orders', shownTo: administers },
  { to: '/admin/settings', label: 'District settings', shownTo: runsDistrict },
];

/**
 * Header (who is signed in, in which district), navigation and the screen.
 * On a phone the navigation folds behind the menu button; on a tablet and a
 * desktop it stays open at the side.
 */
export function AppLayout() {
  const { me, district } = useCurrentUser();
  const { signOut } = useAuth();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);
  const family = isFamily(me.roles);
  const { t: translated, i18n } = useTranslation();
  // Families read the frame in their language; staff screens are written in English only, and say so to screen readers.
  const t = family ? translated : i18n.getFixedT('en');
  const pageLanguage = family ? i18n.language : 'en';
  useEffect(() => {
    document.documentElement.setAttribute('lang', pageLanguage);
  }, [pageLanguage]);

  // A new screen: close the phone menu and move focus to the content, so keyboard and screen-reader users
  // start at the top of the new screen instead of on the link they left. Only on a change of screen: never
  // on the first one (a page load starts at the skip link) nor on a re-render (focus stays where the user is).
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    close();
    main.current?.focus();
  }, [location.pathname, close]);

  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? t('shell.closeNavigation') : t('shell.openNavigation')} aria-expanded={opened} aria-controls="app-navigation" />
            <Title order={2} size="h4" c="blue.9">
              Sessionledger
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <JobNoticesBell />
            {/* At most the room left, so a long name ends in "…" instead of running under the bell. */}
            <Stack gap={0} align="flex-end" style={{ minWidth: 0 }}>
              <Text fw={600} size="sm" truncate="end" maw="100%" data-testid="user-name">
                {me.displayName}
              </Text>
              <Text size="xs" c="dimmed" truncate="end" maw="100%" data-testid="district-name">
                {district.name}
              </Text>
            </Stack>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" id="app-navigation" aria-label={t('shell.mainNavigation')}>
        <Stack justify="space-between" h="100%">
          <div>
            {NAVIGATION.filter((item) => item.shownTo?.(me.roles, me) ?? true).map((item) => (
              <NavLink key={item.to} component={RouterNavLink} to={item.to} label={item.label} fw={600} style={ACTIVE_HOVER} />
            ))}
            {family && <NavLink component={RouterNavLink} to="/family" label={t('family.navSessions')} fw={600} style={ACTIVE_HOVER} />}
          </div>
          <Stack gap="sm">
            {family && <LanguagePicker />}
            <Button variant="default" onClick={() => void signOut()}>
              {t('shell.signOut')}
            </Button>
          </Stack>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={main} tabIndex={-1} style={{ outline: 'none' }}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
