import {
  Center,
  DirectionProvider,
  Loader,
  MantineProvider,
  createTheme,
  useDirection,
} from '@mantine/core';
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { useSession } from './api/session';
import { directionOf, LocaleProvider } from './i18n/i18n';
import { Layout } from './shell/Layout';
import { SignInPage } from './pages/sign-in/SignInPage';

const theme = createTheme({
  primaryColor: 'teal',
  // White on teal.6 is 2.5:1; teal.9 meets WCAG AA (5:1) for buttons and links.
  primaryShade: { light: 9, dark: 7 },
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Hebrew", Arial, sans-serif',
  defaultRadius: 'md',
});

/** WCAG AA contrast (4.5:1): Mantine's dimmed grey on white is 3.3:1; gray.7 is 5.7:1. */
const cssVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Light buttons, badges and the active link: teal.9 on teal.0 is 4.9:1 (on teal.1, 4.3:1).
    '--mantine-primary-color-light': 'var(--mantine-color-teal-0)',
    '--mantine-color-teal-light': 'var(--mantine-color-teal-0)',
  },
  dark: {},
});

/** Each area of the dashboard loads when first opened: the first paint stays small. */
const areas: { path: string; page: ComponentType }[] = [
  { path: '/overview', page: lazy(() => import('./pages/overview')) },
  { path: '/journeys', page: lazy(() => import('./pages/journeys')) },
  { path: '/flows', page: lazy(() => import('./pages/journeys')) },
  { path: '/segments', page: lazy(() => import('./pages/segments')) },
  { path: '/customers', page: lazy(() => import('./pages/customers')) },
  { path: '/templates', page: lazy(() => import('./pages/messages')) },
  { path: '/messages', page: lazy(() => import('./pages/messages')) },
  { path: '/setup', page: lazy(() => import('./pages/setup')) },
  { path: '/settings', page: lazy(() => import('./pages/settings')) },
];

function Loading() {
  return (
    <Center h={200}>
      <Loader aria-label="Loading" />
    </Center>
  );
}

function SignedIn() {
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Switch>
          {areas.flatMap(({ path, page }) => [
            <Route key={path} path={path} component={page} />,
            <Route key={`${path}/*`} path={`${path}/*`} component={page} />,
          ])}
          <Route path="/">
            <Redirect to="/overview" />
          </Route>
          <Route>
            <Redirect to="/overview" />
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}

export function App() {
  const { session, loading, locale, setLocale } = useSession();
  const dir = directionOf(locale);
  return (
    <DirectionProvider initialDirection={dir} detectDirection={false}>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <LocaleProvider locale={locale} setLocale={setLocale}>
          <DirectionSync dir={dir} />
          {loading ? <Loading /> : session ? <SignedIn /> : <SignInPage />}
        </LocaleProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}

/** Keeps Mantine's direction in step with the user's language when it changes. */
function DirectionSync({ dir }: { dir: 'ltr' | 'rtl' }) {
  const { setDirection } = useDirection();
  useEffect(() => setDirection(dir), [dir, setDirection]);
  return null;
}
