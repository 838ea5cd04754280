import { Button, Group, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useFormat, useT } from '../i18n/i18n';
import { DataTable, type TableLook } from './DataTable';
import { ListView } from './QueryView';
import { commonStrings } from './strings';

/**
 * A log the API pages by a growing limit (newest first) up to its maximum: "load more" asks for
 * a longer list, the list shown meanwhile stays (keepPreviousData), a new filter starts over.
 */
export function useGrowingLimit(page: number, max: number) {
  const [limit, setLimit] = useState(page);
  return {
    limit,
    restart: () => setLimit(page),
    more: () => setLimit((l) => Math.min(l + page, max)),
    /** A full answer below the maximum: there may be older entries to load. */
    hasMore: (shown: number) => shown >= limit && limit < max,
  };
}

/** Under a paged log: how many it shows (when `count` is set) and the "load more" button. */
export function LoadMore(props: {
  pager: ReturnType<typeof useGrowingLimit>;
  shown: number;
  loading: boolean;
  count?: boolean;
}) {
  const t = useT(commonStrings);
  const fmt = useFormat();
  const button = props.pager.hasMore(props.shown) ? (
    <Button size="xs" variant="light" loading={props.loading} onClick={props.pager.more}>
      {t('loadMore')}
    </Button>
  ) : null;
  if (!props.count) return button ? <Group justify="center">{button}</Group> : null;
  return (
    <Group justify="space-between">
      <Text size="xs" c="dimmed">
        {t('showingLatest', { count: fmt.number(props.shown) })}
      </Text>
      {button}
    </Group>
  );
}

/** A paged log's read as a table, one row per entry, then how many and "load more". */
export function PagedLogTable<T>({
  query,
  pager,
  empty,
  count,
  children,
  ...table
}: TableLook & {
  query: UseQueryResult<{ data: T[] }>;
  pager: ReturnType<typeof useGrowingLimit>;
  empty: ReactNode;
  /** Say "Showing the latest N" beside the button. */
  count?: boolean;
  children: (item: T) => ReactNode;
}) {
  return (
    <ListView query={query} empty={empty}>
      {(items) => (
        <>
          <DataTable {...table}>{items.map((item) => children(item))}</DataTable>
          <LoadMore pager={pager} shown={items.length} loading={query.isFetching} count={count} />
        </>
      )}
    </ListView>
  );
}
