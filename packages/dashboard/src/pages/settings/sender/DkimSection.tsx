import { Alert, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { CopyField } from '../../../components/CopyField';
import { Fact, Interpolated, Ltr } from './ChannelCard';
import { sendingStatusStrings } from './strings';
import type { EmailStatus } from './types';

/** DKIM: whether mail is signed, why not, and the DNS record that publishes the key. */
export function DkimSection({ email }: { email: EmailStatus }) {
  const t = useT(sendingStatusStrings);
  const { dkim } = email;
  const state =
    dkim === null
      ? { label: t('dkimOff'), color: 'gray' }
      : !dkim.keyValid
        ? { label: t('dkimInvalid'), color: 'red' }
        : dkim.signing
          ? { label: t('dkimSigning'), color: 'teal' }
          : // Gray, not yellow: a yellow light badge is not readable (axe: color contrast).
            { label: t('dkimNotSigning'), color: 'gray' };
  return (
    <Stack gap="xs" data-testid="sender-dkim">
      <Group gap="sm">
        <Title order={4} size="h5">
          {t('dkim')}
        </Title>
        <Badge color={state.color} variant="light" data-testid="sender-dkim-status">
          {state.label}
        </Badge>
      </Group>
      {dkim === null ? (
        <Text size="sm">{t('dkimOffText')}</Text>
      ) : (
        <>
          <Fact label={t('domain')}>
            <Ltr>{dkim.domain}</Ltr>
          </Fact>
          <Fact label={t('selector')}>
            <Ltr>{dkim.selector}</Ltr>
          </Fact>
          {dkim.keyBits !== null ? (
            <Fact label={t('keyBits')}>{t('bits', { bits: dkim.keyBits })}</Fact>
          ) : null}
          {dkim.keyProblem !== null ? (
            <Alert color="red" data-testid="sender-dkim-problem">
              <Ltr>{dkim.keyProblem}</Ltr>
            </Alert>
          ) : null}
          {dkim.keyValid && email.mode !== 'smtp' ? <Text size="sm">{t('dkimNoSmtp')}</Text> : null}
          {!dkim.alignedWithFrom ? (
            <Alert color="yellow" data-testid="sender-dkim-alignment">
              <Interpolated text={t('notAligned')} name="from">
                <Ltr>{email.from}</Ltr>
              </Interpolated>
            </Alert>
          ) : null}
          {dkim.dnsRecordValue !== null ? (
            <Stack gap="xs">
              <Title order={5} size="h6">
                {t('dnsTitle')}
              </Title>
              <Text size="xs" c="dimmed">
                {t('dnsHint')}
              </Text>
              <CopyField
                button="word"
                label={t('recordName')}
                value={dkim.dnsRecordName}
                testId="sender-dkim-record-name"
              />
              <CopyField
                button="word"
                label={t('recordValue')}
                value={dkim.dnsRecordValue}
                testId="sender-dkim-record-value"
              />
            </Stack>
          ) : null}
        </>
      )}
    </Stack>
  );
}
