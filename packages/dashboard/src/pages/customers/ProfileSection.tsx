import type { ComputedFields, Profile } from '@comeback/contracts';
import { Code, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useFormat, useT } from '../../i18n/i18n';
import { compactJson } from './customer-name';
import { EmptyNote } from './EmptyNote';
import { customerStrings } from './strings';

type Format = ReturnType<typeof useFormat>;
type Translate = ReturnType<typeof useT<keyof (typeof customerStrings)['en']>>;

/** Computed fields in reading order, each with how to show it. */
function computedRows(c: ComputedFields, format: Format, t: Translate): [string, string][] {
  const list = (values: string[]) => (values.length === 0 ? '—' : values.join(', '));
  return [
    [t('c_order_count'), format.number(c.order_count)],
    [t('c_total_spent'), format.number(c.total_spent)],
    [t('c_average_order_value'), format.number(c.average_order_value)],
    [t('c_refunded_total'), format.number(c.refunded_total)],
    [t('c_first_order_at'), format.dateTime(c.first_order_at)],
    [t('c_last_order_at'), format.dateTime(c.last_order_at)],
    [t('c_last_seen_at'), format.dateTime(c.last_seen_at)],
    [t('c_last_product_viewed'), c.last_product_viewed ?? '—'],
    [t('c_categories_bought'), list(c.categories_bought)],
    [t('c_products_bought'), list(c.products_bought)],
  ];
}

/** Who the person is: traits, the identifiers that point to them, and the computed fields. */
export function ProfileSection({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const format = useFormat();
  const traits = Object.entries(profile.traits).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Stack gap="xl">
      <section>
        <Title order={2} size="h4" mb="sm">
          {t('computedTitle')}
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" data-testid="customer-computed">
          {computedRows(profile.computed, format, t).map(([label, value]) => (
            <div key={label}>
              <Text size="xs" c="dimmed">
                {label}
              </Text>
              <Text size="sm">{value}</Text>
            </div>
          ))}
        </SimpleGrid>
      </section>

      <section>
        <Title order={2} size="h4" mb="sm">
          {t('traitsTitle')}
        </Title>
        {traits.length === 0 ? (
          <EmptyNote title={t('noTraits')} hint={t('noTraitsHint')} />
        ) : (
          <Table data-testid="customer-traits">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('colTrait')}</Table.Th>
                <Table.Th>{t('colValue')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {traits.map(([name, value]) => (
                <Table.Tr key={name}>
                  <Table.Td>
                    <Code>{name}</Code>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{compactJson(value, 500)}</bdi>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>

      <section>
        <Title order={2} size="h4" mb="sm">
          {t('identifiersTitle')}
        </Title>
        <Table data-testid="customer-identifiers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colKind')}</Table.Th>
              <Table.Th>{t('colValue')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {profile.identifiers.map((identifier) => (
              <Table.Tr key={`${identifier.kind}:${identifier.value}`}>
                <Table.Td>{t(`id_${identifier.kind}`)}</Table.Td>
                <Table.Td>
                  <bdi dir="ltr">{identifier.value}</bdi>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {profile.mergedFrom.length > 0 ? (
          <Text size="sm" c="dimmed" mt="xs">
            {t('mergedFrom')} <bdi dir="ltr">{profile.mergedFrom.join(', ')}</bdi>
          </Text>
        ) : null}
        <Text size="sm" c="dimmed" mt="xs">
          {t('createdUpdated', {
            created: format.dateTime(profile.createdAt),
            updated: format.dateTime(profile.updatedAt),
          })}
        </Text>
      </section>
    </Stack>
  );
}
