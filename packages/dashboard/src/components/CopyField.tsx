import { ActionIcon, Button, Code, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { useT } from '../i18n/i18n';
import { commonStrings } from './strings';

/**
 * A value people paste elsewhere (a webhook URL, a DNS record): shown left-to-right, with a copy
 * button. In a table row the button is an icon; in a settings card it is the word "Copy".
 */
export function CopyField(props: {
  label: string;
  value: string;
  testId?: string;
  button?: 'icon' | 'word';
}) {
  const t = useT(commonStrings);
  const asWord = props.button === 'word';
  return (
    <div>
      <Text size="sm" fw={500}>
        {props.label}
      </Text>
      <Group gap="xs" wrap="nowrap" align={asWord ? 'flex-start' : 'center'}>
        <Code dir="ltr" data-testid={props.testId} style={{ wordBreak: 'break-all' }}>
          {props.value}
        </Code>
        <CopyButton value={props.value}>
          {({ copied, copy }) => {
            if (asWord) {
              const action = copied ? t('copied') : t('copy');
              return (
                <Button
                  size="compact-xs"
                  variant="light"
                  color={copied ? 'teal' : 'gray'}
                  onClick={copy}
                  // The visible word starts the name, so speech commands that say it still match.
                  aria-label={`${action}: ${props.label}`}
                  data-testid={props.testId ? `${props.testId}-copy` : undefined}
                  style={{ flexShrink: 0 }}
                >
                  {action}
                </Button>
              );
            }
            const name = t('copyLabel', { label: props.label });
            return (
              <Tooltip label={copied ? t('copied') : name} withArrow>
                <ActionIcon
                  variant="subtle"
                  color={copied ? 'teal' : 'gray'}
                  onClick={copy}
                  aria-label={name}
                >
                  {copied ? '✓' : '⧉'}
                </ActionIcon>
              </Tooltip>
            );
          }}
        </CopyButton>
      </Group>
    </div>
  );
}
