import type { Profile } from '@comeback/contracts';
import { Anchor, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'wouter';
import { useFormat, useT } from '../../i18n/i18n';
import { customerLabel, customerName, identifierOf } from './customer-name';
import { customerStrings } from './strings';

/** One page of customers; each row opens the customer's page. */
export function CustomerTable({ profiles, busy }: { profiles: Profile[]; busy: boolean }) {
  const t = useT(customerStrings);
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover aria-busy={busy} data-testid="customer-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colCustomer')}</Table.Th>
            <Table.Th ta="end">{t('colOrders')}</Table.Th>
            <Table.Th ta="end">{t('colSpent')}</Table.Th>
            <Table.Th>{t('colLastSeen')}</Table.Th>
            <Table.Th>{t('colLastOrder')}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('colOpen')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.map((profile) => {
            const name = customerName(profile);
            const email = identifierOf(profile, 'email');
            const href = `/customers/${encodeURIComponent(profile.id)}`;
            return (
              <Table.Tr key={profile.id} data-testid="customer-row" data-profile-id={profile.id}>
                <Table.Td>
                  <Stack gap={0}>
                    <Anchor component={Link} href={href} fw={500}>
                      {name ?? <bdi>{email ?? profile.id}</bdi>}
                    </Anchor>
                    {name && email ? (
                      <Text size="xs" c="dimmed">
                        <bdi>{email}</bdi>
                      </Text>
                    ) : null}
                  </Stack>
                </Table.Td>
                <Table.Td ta="end">{format.number(profile.computed.order_count)}</Table.Td>
                <Table.Td ta="end">{format.number(profile.computed.total_spent)}</Table.Td>
                <Table.Td>{format.dateTime(profile.computed.last_seen_at)}</Table.Td>
                <Table.Td>{format.date(profile.computed.last_order_at)}</Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    href={href}
                    size="sm"
                    aria-label={t('openCustomer', { name: customerLabel(profile) })}
                  >
                    {t('open')}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
