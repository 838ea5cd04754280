import { Anchor, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'wouter';
import { apiFetch } from '../../api/client';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { segmentPath, useMembers } from './api';
import { memberLabel } from './LiveSize';
import { segmentStrings } from './strings';

/** The members now, a page at a time through the API's cursor; earlier cursors kept for "back". */
export function MembersTable({ id }: { id: string }) {
  const t = useT(segmentStrings);
  const format = useFormat();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const members = useMembers(id, cursor);
  return (
    <Paper withBorder p="md" data-testid="segment-members">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('members')}
        </Title>
        <ExportButton id={id} />
      </Group>
      <QueryView query={members}>
        {(page) =>
          page.data.length === 0 && cursors.length === 1 ? (
            <Text c="dimmed">{t('noMembers')}</Text>
          ) : (
            <>
              <Table.ScrollContainer minWidth={560}>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('customer')}</Table.Th>
                      <Table.Th>{t('email')}</Table.Th>
                      <Table.Th ta="end">{t('orders')}</Table.Th>
                      <Table.Th ta="end">{t('spent')}</Table.Th>
                      <Table.Th>{t('lastOrder')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {page.data.map((m) => (
                      <Table.Tr key={m.id} data-testid="segment-member-row">
                        <Table.Td>
                          <Anchor component={Link} href={`/customers/${encodeURIComponent(m.id)}`}>
                            <bdi>{memberLabel(m)}</bdi>
                          </Anchor>
                        </Table.Td>
                        <Table.Td>
                          <bdi>{m.email ?? '—'}</bdi>
                        </Table.Td>
                        <Table.Td ta="end">{format.number(m.orderCount)}</Table.Td>
                        <Table.Td ta="end">{format.number(m.totalSpent)}</Table.Td>
                        <Table.Td>{format.dateTime(m.lastOrderAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group justify="space-between" mt="sm">
                <Text size="sm" c="dimmed">
                  {t('page', { n: cursors.length })}
                </Text>
                <Group gap="xs">
                  <Button
                    variant="default"
                    size="xs"
                    disabled={cursors.length === 1 || members.isFetching}
                    onClick={() => setCursors((c) => c.slice(0, -1))}
                  >
                    {t('previous')}
                  </Button>
                  <Button
                    variant="default"
                    size="xs"
                    data-testid="segment-members-next"
                    disabled={page.nextCursor === null || members.isFetching}
                    onClick={() => {
                      const next = page.nextCursor;
                      if (next !== null) setCursors((c) => [...c, next]);
                    }}
                  >
                    {t('next')}
                  </Button>
                </Group>
              </Group>
            </>
          )
        }
      </QueryView>
    </Paper>
  );
}

/** The CSV comes through the session's headers, so it is fetched and handed over as a file. */
function ExportButton({ id }: { id: string }) {
  const t = useT(segmentStrings);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const response = await apiFetch('GET', `${segmentPath(id)}/members.csv`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `segment-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      // The click has handed the blob to the browser's download; the URL is no longer needed.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (e) {
      setError(t('exportFailed', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Group gap="xs">
      {error ? (
        <Text size="sm" c="red.8" role="alert">
          {error}
        </Text>
      ) : null}
      <Button
        size="xs"
        variant="light"
        loading={busy}
        data-testid="segment-export"
        onClick={() => void download()}
      >
        {t('exportCsv')}
      </Button>
    </Group>
  );
}
