import type { Order, Profile } from '@comeback/contracts';
import { Badge, Table, Text, Title } from '@mantine/core';
import { ListTable } from '../../components/DataTable';
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
      <ListTable
        query={orders}
        empty={<EmptyNote title={t('noOrders')} hint={t('noOrdersHint')} />}
        minWidth={720}
        testId="customer-orders"
        columns={[
          t('colOrderedAt'),
          t('colOrder'),
          t('colStatus'),
          t('colItems'),
          { label: t('colTotal'), end: true },
        ]}
      >
        {(order) => (
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
        )}
      </ListTable>
    </section>
  );
}
