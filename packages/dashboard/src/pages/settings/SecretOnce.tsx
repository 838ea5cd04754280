import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/i18n';
import { settingsStrings } from './strings';

/** A secret the server returns once (a new key, a generated password), with a copy button. */
export function SecretOnce(props: {
  title: string;
  text?: string;
  secret: string;
  testId: string;
}) {
  const t = useT(settingsStrings);
  return (
    <Alert color="yellow" title={props.title} role="status">
      <Stack gap="xs">
        <Text size="sm">{props.text ?? t('shownOnce')}</Text>
        <Group gap="sm" wrap="nowrap">
          <Code dir="ltr" data-testid={props.testId} style={{ wordBreak: 'break-all' }}>
            {props.secret}
          </Code>
          <CopyButton value={props.secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? t('copied') : t('copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}
