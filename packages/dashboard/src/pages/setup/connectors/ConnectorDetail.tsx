import type { Connector } from '@comeback/contracts';
import { Anchor, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { get } from '../../../api/client';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { CopyField } from '../../../components/CopyField';
import { setupKeys } from '../shared/keys';
import { DataRequests } from './DataRequests';
import { DeliveryLog } from './DeliveryLog';
import { connectorStrings } from './strings';

/** /setup/connectors/:id — one connector with its delivery log and data requests. */
export function ConnectorDetail({ id }: { id: string }) {
  const t = useT(connectorStrings);
  const fmt = useFormat();
  const query = useQuery({
    queryKey: setupKeys.connector(id),
    queryFn: () => get<Connector>(`/api/v1/connectors/${encodeURIComponent(id)}`),
  });
  return (
    <Stack>
      <Anchor component={Link} href="/setup/connectors" size="sm">
        {t('back')}
      </Anchor>
      <QueryView query={query}>
        {(c) => (
          <Stack data-testid="connector-detail">
            <Group gap="sm">
              <Title order={2} size="h3">
                {c.name}
              </Title>
              <Badge variant="light">{t(c.platform)}</Badge>
              <Badge color={c.disabledAt ? 'gray' : 'teal'} variant="light">
                {c.disabledAt ? t('disabled') : t('active')}
              </Badge>
            </Group>
            <CopyField label={t('webhookUrl')} value={c.webhookUrl} />
            <Text size="sm" c="dimmed">
              {t('deliveries')}: {fmt.number(c.deliveries.total)} · {t('failed')}:{' '}
              {fmt.number(c.deliveries.failed)} · {t('lastReceived')}:{' '}
              {fmt.dateTime(c.deliveries.lastReceivedAt)}
            </Text>
            <DeliveryLog connectorId={c.id} />
            <DataRequests connectorId={c.id} />
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
