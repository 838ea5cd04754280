import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { del, get } from '../../../api/client';
import { useSession } from '../../../api/session';
import { ErrorAlert, QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { ConfirmButton } from '../shared/ConfirmButton';
import { CopyField } from '../shared/CopyField';
import { setupKeys } from '../shared/keys';
import type { Connector, ListOf } from '../shared/types';
import { CreateConnector } from './CreateConnector';
import { connectorStrings } from './strings';

export function ConnectorList() {
  const t = useT(connectorStrings);
  const fmt = useFormat();
  const { canEdit } = useSession();
  const queryClient = useQueryClient();
  const [creating, { open, close }] = useDisclosure(false);
  const query = useQuery({
    queryKey: setupKeys.connectors,
    queryFn: () => get<ListOf<Connector>>('/api/v1/connectors'),
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/api/v1/connectors/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: setupKeys.connectors }),
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('listTitle')}
        </Title>
        {canEdit ? (
          <Button onClick={open} data-testid="connector-create">
            {t('create')}
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={remove.error} />
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed" data-testid="connectors-empty">
              {t('empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={800}>
              <Table verticalSpacing="sm" data-testid="connector-list">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('name')}</Table.Th>
                    <Table.Th>{t('webhookUrl')}</Table.Th>
                    <Table.Th>{t('deliveries')}</Table.Th>
                    <Table.Th>{t('lastReceived')}</Table.Th>
                    <Table.Th>{t('status')}</Table.Th>
                    <Table.Th>{t('actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((c) => (
                    <Table.Tr key={c.id} data-testid={`connector-row-${c.id}`}>
                      <Table.Td>
                        <Text fw={500}>{c.name}</Text>
                        <Text size="xs" c="dimmed">
                          {t(c.platform)}
                          {c.shopDomain ? <bdi> · {c.shopDomain}</bdi> : null}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <CopyField label={t('webhookUrl')} value={c.webhookUrl} />
                      </Table.Td>
                      <Table.Td>
                        {fmt.number(c.deliveries.total)}
                        {c.deliveries.failed > 0 ? (
                          <Badge color="red" variant="light" ms="xs">
                            {t('failed')}: {fmt.number(c.deliveries.failed)}
                          </Badge>
                        ) : null}
                        {c.deliveries.lastError ? (
                          <Text size="xs" c="red.8" lineClamp={2} title={c.deliveries.lastError}>
                            {c.deliveries.lastError}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{fmt.dateTime(c.deliveries.lastReceivedAt)}</Table.Td>
                      <Table.Td>
                        <Badge color={c.disabledAt ? 'gray' : 'teal'} variant="light">
                          {c.disabledAt ? t('disabled') : t('active')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            component={Link}
                            href={`/setup/connectors/${encodeURIComponent(c.id)}`}
                            size="xs"
                            variant="light"
                            aria-label={t('logOf', { name: c.name })}
                          >
                            {t('log')}
                          </Button>
                          {canEdit && !c.disabledAt ? (
                            <ConfirmButton
                              label={t('remove')}
                              ariaLabel={t('removeOf', { name: c.name })}
                              title={t('removeTitle')}
                              message={t('removeMessage', { name: c.name })}
                              confirmLabel={t('remove')}
                              loading={remove.isPending && remove.variables === c.id}
                              onConfirm={() => remove.mutate(c.id)}
                            />
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
      {canEdit ? <CreateConnector opened={creating} onClose={close} /> : null}
    </Stack>
  );
}
