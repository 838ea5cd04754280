import type { ChannelKind, MessageStatus, MessageView } from '@comeback/contracts';
import { Anchor, Badge, Button, Group, Select, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { get } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { MessageDrawer } from './MessageDrawer';
import { STATUS_COLORS, STATUSES } from './message-status';
import { messagesStrings } from './strings';
import { CHANNELS } from './template-draft';

const PAGE = 50;

interface MessagePage {
  data: MessageView[];
  nextCursor: string | null;
}

/** The outbox, newest first, a page at a time; the filters live in the address (?status=). */
export function MessagesPage() {
  const t = useT(messagesStrings);
  const f = useFormat();
  const { id } = useParams<{ id?: string }>();
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const status = STATUSES.find((s) => s === params.get('status'));
  const channel = CHANNELS.find((c) => c === params.get('channel'));
  const query = useInfiniteQuery({
    queryKey: ['messages', 'list', status ?? null, channel ?? null],
    queryFn: ({ pageParam }) =>
      get<MessagePage>('/api/v1/messages', {
        status,
        channel,
        limit: PAGE,
        cursor: pageParam ?? undefined,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const listHref = (next: { status?: MessageStatus; channel?: ChannelKind }) => {
    const qs = new URLSearchParams();
    if (next.status) qs.set('status', next.status);
    if (next.channel) qs.set('channel', next.channel);
    const s = qs.toString();
    return `/messages${s ? `?${s}` : ''}`;
  };
  const here = listHref({ status, channel });

  return (
    <>
      <PageHeader title={t('messagesTitle')} description={t('messagesDescription')} />
      <Group mb="md">
        <Select
          aria-label={t('status')}
          placeholder={t('allStatuses')}
          clearable
          w={200}
          value={status ?? null}
          data={STATUSES.map((s) => ({ value: s, label: t(s) }))}
          onChange={(v) => navigate(listHref({ status: STATUSES.find((s) => s === v), channel }))}
        />
        <Select
          aria-label={t('channel')}
          placeholder={t('allChannels')}
          clearable
          w={200}
          value={channel ?? null}
          data={CHANNELS.map((c) => ({ value: c, label: t(c) }))}
          onChange={(v) => navigate(listHref({ status, channel: CHANNELS.find((c) => c === v) }))}
        />
      </Group>
      <QueryView query={query}>
        {({ pages }) => {
          const rows = pages.flatMap((p) => p.data);
          if (rows.length === 0) return <Text c="dimmed">{t('noMessages')}</Text>;
          return (
            <>
              <Table.ScrollContainer minWidth={760}>
                <Table striped highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('status')}</Table.Th>
                      <Table.Th>{t('channel')}</Table.Th>
                      <Table.Th>{t('recipient')}</Table.Th>
                      <Table.Th>{t('subject')}</Table.Th>
                      <Table.Th>{t('template')}</Table.Th>
                      <Table.Th>{t('created')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((m) => (
                      <Table.Tr key={m.id} data-testid="message-row" data-status={m.status}>
                        <Table.Td>
                          <Badge color={STATUS_COLORS[m.status]} variant="light">
                            {t(m.status)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{t(m.channel)}</Table.Td>
                        <Table.Td>
                          <Anchor
                            component={Link}
                            href={`/messages/${encodeURIComponent(m.id)}${search ? `?${search}` : ''}`}
                          >
                            <bdi>{m.to}</bdi>
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{m.subject ?? '—'}</Table.Td>
                        <Table.Td>
                          {m.templateId ? (
                            <Anchor
                              component={Link}
                              href={`/templates/${encodeURIComponent(m.templateId)}`}
                              dir="ltr"
                            >
                              {m.templateId}
                              {m.templateVersion !== null ? ` v${m.templateVersion}` : ''}
                            </Anchor>
                          ) : (
                            '—'
                          )}
                        </Table.Td>
                        <Table.Td>{f.dateTime(m.createdAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <ErrorAlert error={query.isFetchNextPageError ? query.error : null} />
              {query.hasNextPage ? (
                <Group justify="center" mt="md">
                  <Button
                    variant="default"
                    loading={query.isFetchingNextPage}
                    onClick={() => void query.fetchNextPage()}
                  >
                    {t('loadMore')}
                  </Button>
                </Group>
              ) : null}
            </>
          );
        }}
      </QueryView>
      {id ? <MessageDrawer id={id} onClose={() => navigate(here)} /> : null}
    </>
  );
}
