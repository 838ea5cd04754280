import { Button, Code, CopyButton, Group, Text } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { sendingStatusStrings } from './strings';

/** A value to paste elsewhere (a URL, a DNS record): kept left-to-right, with a copy button. */
export function CopyValue(props: { label: string; value: string; testId: string }) {
  const t = useT(sendingStatusStrings);
  return (
    <div>
      <Text size="sm" fw={500}>
        {props.label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code dir="ltr" data-testid={props.testId} style={{ wordBreak: 'break-all' }}>
          {props.value}
        </Code>
        <CopyButton value={props.value}>
          {({ copied, copy }) => {
            const action = copied ? t('copied') : t('copy');
            return (
              <Button
                size="compact-xs"
                variant="light"
                color={copied ? 'teal' : 'gray'}
                onClick={copy}
                // The visible word starts the name, so speech commands that say it still match.
                aria-label={`${action}: ${props.label}`}
                data-testid={`${props.testId}-copy`}
                style={{ flexShrink: 0 }}
              >
                {action}
              </Button>
            );
          }}
        </CopyButton>
      </Group>
    </div>
  );
}
