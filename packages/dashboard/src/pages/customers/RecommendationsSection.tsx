import type { Profile, ProfileInsights } from '@comeback/contracts';
import { Anchor, Badge, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { ListTable } from '../../components/DataTable';
import { useFormat, useT } from '../../i18n/i18n';
import { useRecommendations } from './api';
import { EmptyNote } from './EmptyNote';
import { useReasonText } from './PredictionFindings';
import { ReplenishmentTable } from './ReplenishmentTable';
import { insightStrings } from './insight-strings';

function Insights({ insights }: { insights: ProfileInsights }) {
  const t = useT(insightStrings);
  const format = useFormat();
  const rows: [string, string][] = [
    [t('ins_next_category'), insights.next_likely_category ?? '—'],
    [t('ins_next_category_p'), format.percent(insights.next_likely_category_probability)],
    [t('ins_replacement'), insights.replacement_category ?? '—'],
    [t('ins_replacement_due'), format.date(insights.replacement_due_at)],
  ];
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" data-testid="customer-insights">
      {rows.map(([label, value]) => (
        <div key={label}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text size="sm">
            <bdi>{value}</bdi>
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

/** What to offer the person next, what they will run out of, and where they are heading. */
export function RecommendationsSection({ profile }: { profile: Profile }) {
  const t = useT(insightStrings);
  const format = useFormat();
  const reasonText = useReasonText();
  const recommendations = useRecommendations(profile.id);
  return (
    <Stack gap="xl">
      <section>
        <Title order={2} size="h4" mb="sm">
          {t('recommendationsTitle')}
        </Title>
        <ListTable
          query={recommendations}
          empty={<EmptyNote title={t('noRecommendations')} hint={t('noRecommendationsHint')} />}

          minWidth={640}
          testId="customer-recommendations"
          columns={[
            t('colProduct'),
            { label: t('colPrice'), end: true },
            t('colWhy'),
            t('colStrategy'),
          ]}
        >
          {(item) => (
            <Table.Tr key={item.productId}>
              <Table.Td>
                {item.url ? (
                  <Anchor href={item.url} target="_blank" rel="noopener noreferrer">
                    <bdi>{item.title}</bdi>
                  </Anchor>
                ) : (
                  <bdi>{item.title}</bdi>
                )}
              </Table.Td>
              <Table.Td ta="end">{format.number(item.price)}</Table.Td>
              <Table.Td>
                <bdi>{reasonText(item)}</bdi>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color="gray">
                  {t(`strategy_${item.strategy}`)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          )}
        </ListTable>
      </section>

      <section>
        <Title order={2} size="h4" mb="sm">
          {t('replenishmentTitle')}
        </Title>
        <ReplenishmentTable profileId={profile.id} />
      </section>

      <section>
        <Title order={2} size="h4" mb="sm">
          {t('insightsTitle')}
        </Title>
        {profile.insights ? (
          <Insights insights={profile.insights} />
        ) : (
          <EmptyNote title={t('noInsights')} hint={t('noInsightsHint')} />
        )}
      </section>
    </Stack>
  );
}
