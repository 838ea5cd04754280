import { ActionIcon, Code, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { defineStrings, useT } from '../../../i18n/i18n';

const strings = defineStrings({
  en: { copy: 'Copy {label}', copied: 'Copied' },
  he: { copy: 'העתקת {label}', copied: 'הועתק' },
});

/** A value people paste elsewhere (webhook URL, secret): shown left-to-right, with a copy button. */
export function CopyField(props: { label: string; value: string; testId?: string }) {
  const t = useT(strings);
  return (
    <div>
      <Text size="sm" fw={500}>
        {props.label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code dir="ltr" data-testid={props.testId} style={{ wordBreak: 'break-all' }}>
          {props.value}
        </Code>
        <CopyButton value={props.value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? t('copied') : t('copy', { label: props.label })} withArrow>
              <ActionIcon
                variant="subtle"
                color={copied ? 'teal' : 'gray'}
                onClick={copy}
                aria-label={t('copy', { label: props.label })}
              >
                {copied ? '✓' : '⧉'}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}
