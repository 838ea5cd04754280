import {
  Alert,
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../api/session';
import { useLocale, useT, type Locale } from '../i18n/i18n';
import { shellStrings } from './strings';

const NAV = [
  ['/overview', 'overview'],
  ['/journeys', 'journeys'],
  ['/flows', 'flows'],
  ['/segments', 'segments'],
  ['/customers', 'customers'],
  ['/templates', 'templates'],
  ['/messages', 'messages'],
  ['/setup', 'setup'],
  ['/settings', 'settings'],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const t = useT(shellStrings);
  const [opened, { toggle }] = useDisclosure();
  const [location] = useLocation();
  const { session, workspaceId, role, switchWorkspace, signOut } = useSession();
  const { locale, setLocale } = useLocale();
  if (!session) return null;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('toggleNavigation')}
            />
            <Text fw={700} size="lg">
              {t('product')}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {session.workspaces.length > 1 ? (
              <Select
                aria-label={t('workspace')}
                size="xs"
                w={180}
                value={workspaceId}
                allowDeselect={false}
                data={session.workspaces.map((w) => ({ value: w.id, label: w.name }))}
                onChange={(id) => id && switchWorkspace(id)}
              />
            ) : null}
            <Select
              aria-label={t('language')}
              size="xs"
              w={110}
              value={locale}
              allowDeselect={false}
              data={[
                { value: 'en', label: 'English' },
                { value: 'he', label: 'עברית' },
              ]}
              onChange={(value) => value && setLocale(value as Locale)}
            />
            <Button size="xs" variant="subtle" onClick={() => void signOut()}>
              {t('signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('navigation')} component="nav">
        <Stack gap={2}>
          {NAV.map(([href, key]) => (
            <NavLink
              key={href}
              component={Link}
              href={href}
              label={t(key)}
              active={location === href || location.startsWith(`${href}/`)}
              aria-current={location === href ? 'page' : undefined}
            />
          ))}
        </Stack>
        <Text size="xs" c="dimmed" mt="auto" p="xs">
          {t('signedInAs', { email: session.user.email, role: role ? t(role) : '' })}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>
        {role === 'viewer' ? (
          <Alert color="gray" mb="md">
            {t('viewerNote')}
          </Alert>
        ) : null}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
