import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'wouter';
import { ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/QueryView';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n/i18n';
import { searchModes, useProfileList, type SearchMode } from './api';
import { CustomerTable } from './CustomerTable';
import { EmptyNote } from './EmptyNote';
import { customerStrings } from './strings';
import { useCursorPager } from './use-cursor-pager';

const isSearchMode = (value: string | null): value is SearchMode =>
  searchModes.some((mode) => mode === value);

/** The customer list: newest first, a page at a time, narrowed by a search kept in the URL. */
export function CustomerListPage() {
  const t = useT(customerStrings);
  const [params, setParams] = useSearchParams();
  const byParam = params.get('by');
  const mode: SearchMode = isSearchMode(byParam) ? byParam : 'q';
  const [input, setInput] = useState(params.get('term') ?? '');
  const [debounced] = useDebouncedValue(input.trim(), 300);
  const pager = useCursorPager(`${mode}:${debounced}`);
  const list = useProfileList(mode, debounced, pager.cursor);

  const setSearch = (next: { by?: SearchMode; term?: string }) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        if (next.by !== undefined) p.set('by', next.by);
        if (next.term !== undefined) {
          if (next.term === '') p.delete('term');
          else p.set('term', next.term);
        }
        return p;
      },
      { replace: true },
    );

  // The server names query parameters as `querystring.<name>`.
  const fieldError =
    list.error instanceof ApiError
      ? (list.error.fieldMessage(`querystring.${mode}`) ?? null)
      : null;
  const rows = list.data?.data ?? [];
  const nextCursor = list.data?.nextCursor ?? null;

  return (
    <Stack gap="md">
      <PageHeader title={t('listTitle')} description={t('listDescription')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label={t('searchBy')}
          data={searchModes.map((m) => ({ value: m, label: t(`mode_${m}`) }))}
          value={mode}
          onChange={(value) => {
            if (isSearchMode(value)) setSearch({ by: value });
          }}
          allowDeselect={false}
          w={220}
        />
        <TextInput
          label={t('search')}
          placeholder={t(`placeholder_${mode}`)}
          value={input}
          onChange={(event) => {
            setInput(event.currentTarget.value);
            setSearch({ term: event.currentTarget.value.trim() });
          }}
          error={fieldError}
          data-testid="customer-search"
          style={{ flex: 1, minWidth: 240 }}
          type="search"
        />
      </Group>
      {list.isError && !fieldError ? <ErrorAlert error={list.error} /> : null}
      {list.isPending ? (
        <Text c="dimmed">{t('loading')}</Text>
      ) : rows.length === 0 && !list.isError ? (
        debounced === '' ? (
          <EmptyNote title={t('noCustomers')} hint={t('noCustomersHint')} />
        ) : (
          <EmptyNote title={t('noMatch', { term: debounced })} hint={t('noMatchHint')} />
        )
      ) : rows.length > 0 ? (
        <CustomerTable profiles={rows} busy={list.isFetching} />
      ) : null}
      {pager.canGoBack || nextCursor ? (
        <Group justify="space-between" data-testid="customer-pager">
          <Button variant="default" disabled={!pager.canGoBack} onClick={pager.back}>
            {t('previousPage')}
          </Button>
          <Text size="sm" c="dimmed">
            {t('pageNumber', { page: pager.page })}
          </Text>
          <Button
            variant="default"
            disabled={!nextCursor || list.isPlaceholderData}
            onClick={() => {
              if (nextCursor) pager.next(nextCursor);
            }}
          >
            {t('nextPage')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
