import type { Connector } from '@comeback/contracts';
import { Badge, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get } from '../../../api/client';
import { useSession } from '../../../api/session';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { CopyField } from '../../../components/CopyField';
import { ListTable } from '../../../components/DataTable';
import { useFormat, useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import { ListHeader, RowActions } from '../shared/list-parts';
import type { ListOf } from '../shared/types';
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
      <ListHeader
        title={t('listTitle')}
        createLabel={t('create')}
        createTestId="connector-create"
        canEdit={canEdit}
        onCreate={open}
      />
      <ListTable
        query={query}
        empty={
          <Text c="dimmed" data-testid="connectors-empty">
            {t('empty')}
          </Text>
        }

        minWidth={800}
        verticalSpacing="sm"
        testId="connector-list"
        columns={[
          t('name'),
          t('webhookUrl'),
          t('deliveries'),
          t('lastReceived'),
          t('status'),
          t('actions'),
        ]}
      >
        {(c) => (
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
              <RowActions
                href={`/setup/connectors/${encodeURIComponent(c.id)}`}
                linkLabel={t('log')}
                linkAriaLabel={t('logOf', { name: c.name })}
              >
                {canEdit && !c.disabledAt ? (
                  <ConfirmButton
                    compact
                    label={t('remove')}
                    ariaLabel={t('removeOf', { name: c.name })}
                    title={t('removeTitle')}
                    onConfirm={() => remove.mutateAsync(c.id)}
                    action={remove}
                  >
                    {t('removeMessage', { name: c.name })}
                  </ConfirmButton>
                ) : null}
              </RowActions>
            </Table.Td>
          </Table.Tr>
        )}
      </ListTable>
      {canEdit ? <CreateConnector opened={creating} onClose={close} /> : null}
    </Stack>
  );
}
