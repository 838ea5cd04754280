import { Alert, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../../api/client';
import { QueryView } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { Interpolated, Ltr } from './ChannelCard';
import { EmailCard } from './EmailCard';
import { InboxWebhooksCard, PushCard, SmsCard, WhatsAppCard } from './ProviderCards';
import { sendingStatusStrings } from './strings';
import type { SendingStatus } from './types';

/** Also refreshed when an owner saves or removes this store's own provider account. */
export const SENDING_STATUS = ['settings', 'sending-status'];

/**
 * How each channel sends, read from GET /api/v1/messaging/status: configured in the server's
 * environment, so this only shows it (every role may see it; credentials never appear).
 */
export function SendingStatusSection(props: { title: string }) {
  const t = useT(sendingStatusStrings);
  const query = useQuery({
    queryKey: SENDING_STATUS,
    queryFn: () => get<SendingStatus>('/api/v1/messaging/status'),
  });
  return (
    <Stack gap="md" data-testid="sender-status">
      <div>
        <Title order={2} size="h3">
          {props.title}
        </Title>
        <Text size="sm" c="dimmed">
          {t('intro')}
        </Text>
      </div>
      <QueryView query={query}>{(status) => <StatusView status={status} />}</QueryView>
    </Stack>
  );
}

function StatusView({ status }: { status: SendingStatus }) {
  const t = useT(sendingStatusStrings);
  return (
    <Stack gap="md">
      {status.publicUrl === null ? (
        // No colored title: yellow on yellow would not be readable (axe: color contrast).
        <Alert color="yellow" data-testid="sender-public-url">
          <Text size="sm" fw={700}>
            {t('publicUrlMissingTitle')}
          </Text>
          <Interpolated text={t('publicUrlMissing')} name="url">
            <Ltr>{status.baseUrl}</Ltr>
          </Interpolated>
        </Alert>
      ) : (
        <Text size="sm" data-testid="sender-public-url">
          <Interpolated text={t('publicUrlSet')} name="url">
            <Ltr>{status.publicUrl}</Ltr>
          </Interpolated>
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <EmailCard email={status.email} ownAccount={status.sources?.email === 'workspace'} />
        <Stack gap="md">
          <SmsCard sms={status.sms} ownAccount={status.sources?.sms === 'workspace'} />
          <WhatsAppCard
            whatsapp={status.whatsapp}
            ownAccount={status.sources?.whatsapp === 'workspace'}
          />
        </Stack>
        <PushCard push={status.push} />
        <InboxWebhooksCard status={status} />
      </SimpleGrid>
      <Alert color="blue" title={t('credentialsTitle')} data-testid="sender-credentials-note">
        {t('credentialsText')}
      </Alert>
    </Stack>
  );
}
