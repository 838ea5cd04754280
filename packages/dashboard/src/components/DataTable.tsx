import { Button, Center, Table, type MantineSpacing } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult, UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useT } from '../i18n/i18n';
import { ListView, QueryView } from './QueryView';
import { commonStrings } from './strings';

/** A header cell: its text, or a label (perhaps visually hidden) and whether it sits at the end. */
export type Column = string | { label: ReactNode; end?: boolean };

/**
 * The dashboard's table: it scrolls sideways below `minWidth` rather than squeezing its columns,
 * and its header row comes from `columns`; the body rows are the children.
 */
export interface TableLook {
  minWidth: number;
  columns: readonly Column[];
  testId?: string;
  striped?: boolean;
  highlightOnHover?: boolean;
  verticalSpacing?: MantineSpacing;
  mt?: MantineSpacing;
}

export function DataTable(props: TableLook & { children: ReactNode }) {
  return (
    <Table.ScrollContainer minWidth={props.minWidth} mt={props.mt}>
      <Table
        striped={props.striped}
        highlightOnHover={props.highlightOnHover}
        verticalSpacing={props.verticalSpacing}
        data-testid={props.testId}
      >
        <Table.Thead>
          <Table.Tr>
            {props.columns.map((column, i) =>
              typeof column === 'string' ? (
                <Table.Th key={i}>{column}</Table.Th>
              ) : (
                <Table.Th key={i} ta={column.end ? 'end' : undefined}>
                  {column.label}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{props.children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * A list read shown as a table: loading, failed, empty (saying what that means), or one row per
 * item (`children` draws a row, with its key).
 */
export function ListTable<T>({
  query,
  empty,
  children,
  ...table
}: TableLook & {
  query: UseQueryResult<{ data: T[] }>;
  empty: ReactNode;
  children: (item: T) => ReactNode;
}) {
  return (
    <ListView query={query} empty={empty}>
      {(items) => <DataTable {...table}>{items.map((item) => children(item))}</DataTable>}
    </ListView>
  );
}

/**
 * A cursor-paged read shown newest first: the pages read so far as one table, and a button that
 * reads the next (older) page while the server says there is one.
 */
export function OlderPagesTable<T>({
  query,
  empty,
  children,
  moreLabel,
  ...table
}: TableLook & {
  query: UseInfiniteQueryResult<InfiniteData<{ data: T[] }>>;
  empty: ReactNode;
  children: (item: T) => ReactNode;
  /** The button's words when the next page is not older but further down a list. */
  moreLabel?: string;
}) {
  const t = useT(commonStrings);
  return (
    <QueryView query={query}>
      {({ pages }) => {
        const items = pages.flatMap((page) => page.data);
        if (items.length === 0) return empty;
        return (
          <>
            <DataTable {...table}>{items.map((item) => children(item))}</DataTable>
            {query.hasNextPage ? (
              <Center mt="sm">
                <Button
                  variant="default"
                  loading={query.isFetchingNextPage}
                  onClick={() => void query.fetchNextPage()}
                >
                  {moreLabel ?? t('showOlder')}
                </Button>
              </Center>
            ) : null}
          </>
        );
      }}
    </QueryView>
  );
}
