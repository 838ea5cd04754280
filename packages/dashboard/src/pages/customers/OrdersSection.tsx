import type { Order, Profile } from '@comeback/contracts';
import { Badge, Table, Text, Title } from '@mantine/core';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useOrders } from './api';
import { EmptyNote } from './EmptyNote';
import { customerStrings } from './strings';

const lineSummary = (order: Order) =>
  order.lines
    .map((line) => `${line.quantity} × ${line.name ?? line.sku ?? line.productId ?? '?'}`)
    .join(', ');

/** The person's orders, newest first, with their lines and refunds. */
export function OrdersSection({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const format = useFormat();
  const orders = useOrders(profile.id);
  const money = (value: number, currency: string | null) =>
    currency ? format.money(value, currency) : format.number(value);
  return (
    <section>
      <Title order={2} size="h4" mb="sm">
        {t('ordersTitle')}
      </Title>
      <QueryView query={orders}>
        {({ data }) =>
          data.length === 0 ? (
            <EmptyNote title={t('noOrders')} hint={t('noOrdersHint')} />
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table data-testid="customer-orders">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colOrderedAt')}</Table.Th>
                    <Table.Th>{t('colOrder')}</Table.Th>
                    <Table.Th>{t('colStatus')}</Table.Th>
                    <Table.Th>{t('colItems')}</Table.Th>
                    <Table.Th ta="end">{t('colTotal')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((order) => (
                    <Table.Tr key={order.orderId} data-testid="order-row">
                      <Table.Td>{format.dateTime(order.orderedAt)}</Table.Td>
                      <Table.Td>
                        <bdi dir="ltr">{order.orderNumber ?? order.orderId}</bdi>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={order.cancelledAt ? 'red' : 'gray'}>
                          {order.status}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2}>
                          <bdi>{lineSummary(order)}</bdi>
                        </Text>
                      </Table.Td>
                      <Table.Td ta="end">
                        {money(order.total, order.currency)}
                        {order.refunded > 0 ? (
                          <Text size="xs" c="red">
                            {t('refunded', { amount: money(order.refunded, order.currency) })}
                          </Text>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </section>
  );
}
