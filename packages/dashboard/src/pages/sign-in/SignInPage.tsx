import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useSession } from '../../api/session';
import { defineStrings, useLocale, useT, type Locale } from '../../i18n/i18n';

const strings = defineStrings({
  en: {
    title: 'Sign in to Comeback',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'Wrong email or password.',
    limited: 'Too many attempts. Try again in a few minutes.',
    firstStart:
      'The first start printed the owner’s email and password; `npx comeback users create` adds more people.',
  },
  he: {
    title: 'כניסה ל-Comeback',
    email: 'דוא״ל',
    password: 'סיסמה',
    submit: 'כניסה',
    wrong: 'דוא״ל או סיסמה שגויים.',
    limited: 'יותר מדי ניסיונות. נסו שוב בעוד כמה דקות.',
    firstStart:
      'ההפעלה הראשונה הדפיסה את הדוא״ל והסיסמה של הבעלים; ‎`npx comeback users create`‎ מוסיף אנשים.',
  },
});

export function SignInPage() {
  const t = useT(strings);
  const { signIn } = useSession();
  const { locale, setLocale } = useLocale();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 429 ? t('limited') : t('wrong'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <Center mih="100vh" p="md">
        <Paper withBorder shadow="sm" p="xl" w={380} radius="md">
          <form onSubmit={(e) => void submit(e)} noValidate>
            <Stack>
              <SegmentedControl
                aria-label="Language / שפה"
                value={locale}
                onChange={(v) => setLocale(v as Locale)}
                data={[
                  { value: 'en', label: 'English' },
                  { value: 'he', label: 'עברית' },
                ]}
              />
              <Title order={1} size="h3">
                {t('title')}
              </Title>
              {error ? (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              ) : null}
              <TextInput
                label={t('email')}
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <PasswordInput
                label={t('password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={busy}>
                {t('submit')}
              </Button>
              <Text size="xs" c="dimmed">
                {t('firstStart')}
              </Text>
            </Stack>
          </form>
        </Paper>
      </Center>
    </main>
  );
}
