import { Badge, Table } from '@mantine/core';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useReplenishment, type ReplenishmentItem } from './api';
import { EmptyNote } from './EmptyNote';
import { insightStrings } from './insight-strings';

/** "Due in 4 days" in the reader's language (the API's `due` is English). */
function useDueText() {
  const t = useT(insightStrings);
  return (item: ReplenishmentItem) =>
    item.dueInDays === 0
      ? t('dueToday')
      : item.dueInDays > 0
        ? t('dueIn', { days: item.dueInDays })
        : t('overdueBy', { days: -item.dueInDays });
}

/** Replenishable products the person bought, soonest due first. */
export function ReplenishmentTable({ profileId }: { profileId: string }) {
  const t = useT(insightStrings);
  const format = useFormat();
  const dueText = useDueText();
  const replenishment = useReplenishment(profileId);
  return (
    <QueryView query={replenishment}>
      {({ data }) =>
        data.length === 0 ? (
          <EmptyNote title={t('noReplenishment')} hint={t('noReplenishmentHint')} />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table data-testid="customer-replenishment">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colProduct')}</Table.Th>
                  <Table.Th>{t('colLastBought')}</Table.Th>
                  <Table.Th ta="end">{t('colInterval')}</Table.Th>
                  <Table.Th>{t('colDue')}</Table.Th>
                  <Table.Th>{t('colSource')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((item) => (
                  <Table.Tr key={item.productId}>
                    <Table.Td>
                      <bdi>{item.title}</bdi>
                    </Table.Td>
                    <Table.Td>
                      {format.date(item.lastBoughtAt)} ({format.number(item.purchases)}×)
                    </Table.Td>
                    <Table.Td ta="end">
                      {t('days', { days: format.number(Math.round(item.intervalDays)) })}
                    </Table.Td>
                    <Table.Td>
                      {format.date(item.dueAt)} · {dueText(item)}{' '}
                      {item.lapsed ? (
                        <Badge color="gray" variant="light">
                          {t('lapsed')}
                        </Badge>
                      ) : item.dueInDays <= 0 ? (
                        <Badge color="orange" variant="light">
                          {t('dueNow')}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{t(`source_${item.source}`)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </QueryView>
  );
}
