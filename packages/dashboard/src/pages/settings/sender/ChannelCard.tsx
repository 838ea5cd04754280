import { Badge, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../../../i18n/i18n';
import { sendingStatusStrings } from './strings';

/** One channel: its name, how it sends (a badge), what it shows, and where it is configured. */
export function ChannelCard(props: {
  title: string;
  mode: string;
  /** Sending for real (green) or not (gray). */
  live: boolean;
  /** The environment variables that configure it (their values are never shown). */
  envVars: readonly string[];
  /** Sending through this store's own account (saved in Provider accounts), not the server's. */
  ownAccount?: boolean;
  testId: string;
  children: ReactNode;
}) {
  const t = useT(sendingStatusStrings);
  return (
    <Card withBorder padding="md" data-testid={props.testId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="h4">
            {props.title}
          </Title>
          <Badge
            color={props.live ? 'teal' : 'gray'}
            variant="light"
            data-testid={`${props.testId}-mode`}
          >
            {props.mode}
          </Badge>
        </Group>
        {props.children}
        {props.ownAccount ? (
          <Text size="xs" c="dimmed" data-testid={`${props.testId}-own`}>
            {t('ownAccount')}
          </Text>
        ) : props.envVars.length > 0 ? (
          <Group gap={4} wrap="wrap" data-testid={`${props.testId}-env`}>
            <Text size="xs" c="dimmed" me={4}>
              {t('envVars')}
            </Text>
            {props.envVars.map((name) => (
              <Code key={name} dir="ltr">
                {name}
              </Code>
            ))}
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}

/** A label and its value on one line; values such as hosts and numbers stay left-to-right. */
export function Fact(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Group gap="xs" wrap="wrap" align="baseline">
      <Text size="sm" c="dimmed">
        {props.label}:
      </Text>
      <Text size="sm" component="div" data-testid={props.testId}>
        {props.children}
      </Text>
    </Group>
  );
}

/** Text that must not be reordered by the page's direction (addresses, ids, numbers). */
export function Ltr(props: { children: ReactNode }) {
  return <bdi dir="ltr">{props.children}</bdi>;
}

/** A translated sentence with `{name}` replaced by an element (a URL kept left-to-right). */
export function Interpolated(props: { text: string; name: string; children: ReactNode }) {
  const [before, after = ''] = props.text.split(`{${props.name}}`);
  return (
    <>
      {before}
      {props.children}
      {after}
    </>
  );
}
