import { Alert, Code, Text } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { CopyField } from '../../../components/CopyField';
import { ChannelCard, Fact, Interpolated, Ltr } from './ChannelCard';
import { sendingStatusStrings } from './strings';
import type { SendingStatus, SmsStatus, WhatsAppStatus } from './types';

const SMS_VARS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;
const WHATSAPP_VARS = [
  'WHATSAPP_ACCESS_TOKEN',
  'WHATSAPP_PHONE_NUMBER_ID',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_VERIFY_TOKEN',
] as const;
const PUSH_VARS = ['COMEBACK_VAPID_SUBJECT'] as const;

export function SmsCard({ sms, ownAccount }: { sms: SmsStatus; ownAccount: boolean }) {
  const t = useT(sendingStatusStrings);
  const twilio = sms.mode === 'twilio';
  return (
    <ChannelCard
      title={t('sms')}
      mode={twilio ? t('twilio') : t('localOutbox')}
      live={twilio}
      envVars={SMS_VARS}
      ownAccount={ownAccount}
      testId="sender-sms"
    >
      {twilio ? (
        <>
          {sms.from !== null ? (
            <Fact label={t('sender')} testId="sender-sms-from">
              <Ltr>{sms.from}</Ltr>
            </Fact>
          ) : null}
          {sms.account !== null ? (
            <Fact label={t('account')}>
              <Ltr>{sms.account}</Ltr>
            </Fact>
          ) : null}
        </>
      ) : (
        <Text size="sm">{t('localOutboxText')}</Text>
      )}
      <CopyField
        button="word"
        label={t('inboundUrl')}
        value={sms.inboundUrl}
        testId="sender-sms-inbound-url"
      />
      {sms.statusCallbackUrl !== null ? (
        <CopyField
          button="word"
          label={t('statusCallbackUrl')}
          value={sms.statusCallbackUrl}
          testId="sender-sms-status-url"
        />
      ) : twilio ? (
        <Alert color="yellow" data-testid="sender-sms-no-reports">
          {t('noStatusCallback')}
        </Alert>
      ) : null}
    </ChannelCard>
  );
}

export function WhatsAppCard({
  whatsapp,
  ownAccount,
}: {
  whatsapp: WhatsAppStatus;
  ownAccount: boolean;
}) {
  const t = useT(sendingStatusStrings);
  const meta = whatsapp.mode === 'meta';
  const setOrNot = (set: boolean) => (set ? t('set') : t('notSet'));
  return (
    <ChannelCard
      title={t('whatsapp')}
      mode={meta ? t('meta') : t('localOutbox')}
      live={meta}
      envVars={WHATSAPP_VARS}
      ownAccount={ownAccount}
      testId="sender-whatsapp"
    >
      {meta ? (
        <>
          {whatsapp.phoneNumberId !== null ? (
            <Fact label={t('phoneNumberId')}>
              <Ltr>{whatsapp.phoneNumberId}</Ltr>
            </Fact>
          ) : null}
          <Fact label={t('verifyToken')}>{setOrNot(whatsapp.verifyTokenSet)}</Fact>
          <Fact label={t('appSecret')}>{setOrNot(whatsapp.appSecretSet)}</Fact>
          {!whatsapp.verifyTokenSet ? (
            <Alert color="yellow">{t('verifyTokenMissing')}</Alert>
          ) : null}
          {!whatsapp.appSecretSet ? (
            <Alert color="red" data-testid="sender-whatsapp-no-secret">
              {t('appSecretMissing')}
            </Alert>
          ) : null}
        </>
      ) : (
        <Text size="sm">{t('localOutboxText')}</Text>
      )}
      <CopyField
        button="word"
        label={t('webhookUrl')}
        value={whatsapp.webhookUrl}
        testId="sender-whatsapp-webhook-url"
      />
    </ChannelCard>
  );
}

export function PushCard({ push }: { push: SendingStatus['push'] }) {
  const t = useT(sendingStatusStrings);
  return (
    <ChannelCard
      title={t('push')}
      mode={push.configured ? t('on') : t('off')}
      live={push.configured}
      envVars={PUSH_VARS}
      testId="sender-push"
    >
      {push.subject !== null ? (
        <Fact label={t('contact')}>
          <Ltr>{push.subject}</Ltr>
        </Fact>
      ) : null}
      {push.vapidPublicKey !== null ? (
        <CopyField
          button="word"
          label={t('vapidKey')}
          value={push.vapidPublicKey}
          testId="sender-push-key"
        />
      ) : (
        <Text size="sm">{t('pushOffText')}</Text>
      )}
    </ChannelCard>
  );
}

export function InboxWebhooksCard({ status }: { status: SendingStatus }) {
  const t = useT(sendingStatusStrings);
  return (
    <ChannelCard
      title={t('inboxWebhooks')}
      mode={t('on')}
      live
      envVars={[]}
      testId="sender-inbox-webhooks"
    >
      <Text size="sm">{t('inboxText')}</Text>
      <Text size="sm">
        <Interpolated text={t('webhooksText')} name="header">
          <Code dir="ltr">{status.webhooks.signatureHeader}</Code>
        </Interpolated>
      </Text>
      <CopyField
        button="word"
        label={t('webhookSecretUrl')}
        value={status.webhooks.secretUrl}
        testId="sender-webhook-secret-url"
      />
    </ChannelCard>
  );
}
