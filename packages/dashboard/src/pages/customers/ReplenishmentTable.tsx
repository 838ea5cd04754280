import type { ReplenishmentItem } from '@comeback/contracts';
import { Badge, SegmentedControl, Stack, Table } from '@mantine/core';
import { useState } from 'react';
import { OlderPagesTable } from '../../components/DataTable';
import { useFormat, useT } from '../../i18n/i18n';
import { useReplenishment } from './api';
import { EmptyNote } from './EmptyNote';
import { insightStrings } from './insight-strings';

/** "Due in 4 days" in the reader's language (the API's `due` is English). */
function useDueText() {
  const t = useT(insightStrings);
  const format = useFormat();
  return (item: ReplenishmentItem) =>
    item.dueInDays === 0
      ? t('dueToday')
      : item.dueInDays > 0
        ? t('dueIn', { days: format.number(item.dueInDays) })
        : t('overdueBy', { days: format.number(-item.dueInDays) });
}

/**
 * Replenishable products the person bought: the due list (soonest first, what a reminder
 * would name) or, apart, the lapsed ones (overdue so long the habit looks over), a page at a
 * time with the count of each list.
 */
export function ReplenishmentTable({ profileId }: { profileId: string }) {
  const t = useT(insightStrings);
  const format = useFormat();
  const dueText = useDueText();
  const [list, setList] = useState<'due' | 'lapsed'>('due');
  const replenishment = useReplenishment(profileId, list);
  const first = replenishment.data?.pages[0];
  const counts = first
    ? list === 'due'
      ? { due: first.total, lapsed: first.otherList }
      : { due: first.otherList, lapsed: first.total }
    : null;
  const label = (which: 'due' | 'lapsed') =>
    counts
      ? t(which === 'due' ? 'listDueN' : 'listLapsedN', { count: format.number(counts[which]) })
      : t(which === 'due' ? 'listDue' : 'listLapsed');
  return (
    <Stack gap="xs">
      <SegmentedControl
        value={list}
        onChange={(value) => setList(value === 'lapsed' ? 'lapsed' : 'due')}
        data={[
          { value: 'due', label: label('due') },
          { value: 'lapsed', label: label('lapsed') },
        ]}
        aria-label={t('listChoice')}
        data-testid="replenishment-list"
        w="fit-content"
      />
      <OlderPagesTable
        query={replenishment}
        moreLabel={t('showMoreItems')}
        empty={
          list === 'due' ? (
            <EmptyNote title={t('noReplenishment')} hint={t('noReplenishmentHint')} />
          ) : (
            <EmptyNote title={t('noLapsed')} hint={t('noLapsedHint')} />
          )
        }
        minWidth={640}
        testId="customer-replenishment"
        columns={[
          t('colProduct'),
          t('colLastBought'),
          { label: t('colInterval'), end: true },
          t('colDue'),
          t('colSource'),
        ]}
      >
        {(item) => (
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
        )}
      </OlderPagesTable>
    </Stack>
  );
}
