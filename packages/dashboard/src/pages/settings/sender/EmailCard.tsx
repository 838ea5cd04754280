import { Alert, Divider, Text } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { CopyField } from '../../../components/CopyField';
import { ChannelCard, Fact, Ltr } from './ChannelCard';
import { DkimSection } from './DkimSection';
import { sendingStatusStrings } from './strings';
import type { EmailStatus } from './types';

const EMAIL_VARS = [
  'SMTP_URL',
  'COMEBACK_EMAIL_FROM',
  'COMEBACK_DKIM_DOMAIN',
  'COMEBACK_DKIM_SELECTOR',
  'COMEBACK_DKIM_PRIVATE_KEY',
] as const;

export function EmailCard({ email, ownAccount }: { email: EmailStatus; ownAccount: boolean }) {
  const t = useT(sendingStatusStrings);
  const smtp = email.mode === 'smtp';
  return (
    <ChannelCard
      title={t('email')}
      mode={smtp ? t('smtp') : t('localOutbox')}
      live={smtp && email.problem === null}
      envVars={EMAIL_VARS}
      ownAccount={ownAccount}
      testId="sender-email"
    >
      {smtp ? (
        <>
          {email.problem !== null ? (
            <Alert color="red" title={t('smtpProblem')}>
              <Ltr>{email.problem}</Ltr>
            </Alert>
          ) : null}
          {email.host !== null ? (
            <Fact label={t('server')} testId="sender-email-server">
              <Ltr>
                {email.host}:{email.port}
              </Ltr>
            </Fact>
          ) : null}
          {email.secure !== null ? (
            <Fact label={t('encryption')}>
              {email.secure ? t('tlsImplicit') : t('tlsStartTls')}
            </Fact>
          ) : null}
          <Fact label={t('authentication')}>
            {email.authenticated ? t('authSet') : t('authNone')}
          </Fact>
        </>
      ) : (
        <Text size="sm">{t('localOutboxText')}</Text>
      )}
      <Fact label={t('from')} testId="sender-email-from">
        <Ltr>{email.from}</Ltr>
      </Fact>
      <Fact label={t('oneClick')}>{t('oneClickOn')}</Fact>
      <Divider />
      <DkimSection email={email} />
      <Divider />
      <CopyField
        button="word"
        label={t('feedbackUrl')}
        value={email.feedbackUrl}
        testId="sender-feedback-url"
      />
      <CopyField
        button="word"
        label={t('bounceMailUrl')}
        value={email.bounceMailUrl}
        testId="sender-bounce-mail-url"
      />
    </ChannelCard>
  );
}
