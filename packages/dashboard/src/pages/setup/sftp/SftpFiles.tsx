import type { SftpFile, SftpSource } from '@comeback/contracts';
import { Anchor, Badge, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { get } from '../../../api/client';
import { PagedLogTable, useGrowingLimit } from '../../../components/PagedLog';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { ErrorText } from '../shared/ErrorText';
import { setupKeys } from '../shared/keys';
import { sftpFileStatuses, type ListOf } from '../shared/types';
import { sftpStrings } from './strings';

/** The API pages the file log by a growing limit (newest first), up to its maximum of 500. */
const PAGE = 100;
const MAX = 500;
const statusColor = { importing: 'blue', imported: 'teal', failed: 'red' } as const;
const isStatus = (v: string): v is SftpFile['status'] => sftpFileStatuses.some((s) => s === v);

/** /setup/sftp/:id — one source and the files it has seen. */
export function SftpFiles({ id }: { id: string }) {
  const t = useT(sftpStrings);
  const fmt = useFormat();
  const [status, setStatus] = useState<SftpFile['status'] | null>(null);
  const pager = useGrowingLimit(PAGE, MAX);
  const { limit } = pager;
  const base = `/api/v1/sftp-sources/${encodeURIComponent(id)}`;
  const source = useQuery({
    queryKey: setupKeys.sftpSource(id),
    queryFn: () => get<SftpSource>(base),
  });
  const files = useQuery({
    queryKey: setupKeys.sftpFiles(id, status, limit),
    queryFn: () => get<ListOf<SftpFile>>(`${base}/files`, { status, limit }),
    placeholderData: keepPreviousData,
  });

  return (
    <Stack>
      <Anchor component={Link} href="/setup/sftp" size="sm">
        {t('back')}
      </Anchor>
      <QueryView query={source}>
        {(s) => (
          <Stack gap={4}>
            <Title order={2} size="h3">
              {t('filesOf', { name: s.name })}
            </Title>
            <Text size="sm" c="dimmed">
              <bdi>{`${s.username}@${s.host}:${s.port} ${s.remoteDir}/${s.pattern}`}</bdi>
            </Text>
            {s.seenHostFingerprint ? (
              <Text size="xs" c="dimmed">
                {t('seenFingerprint')} <bdi>{s.seenHostFingerprint}</bdi>
              </Text>
            ) : null}
          </Stack>
        )}
      </QueryView>
      <SegmentedControl
        aria-label={t('fileFilter')}
        value={status ?? 'all'}
        onChange={(v) => {
          setStatus(isStatus(v) ? v : null);
          pager.restart();
        }}
        data={[
          { value: 'all', label: t('all') },
          ...sftpFileStatuses.map((s) => ({ value: s, label: t(s) })),
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <PagedLogTable
        query={files}
        pager={pager}
        count
        empty={
          <Text c="dimmed" size="sm">
            {t('noFiles')}
          </Text>
        }

        minWidth={800}
        striped
        testId="sftp-files"
        columns={[
          t('fileName'),
          t('size'),
          t('fileStatus'),
          t('attempts'),
          t('started'),
          t('movedTo'),
          t('error'),
        ]}
      >
        {(f) => (
          <Table.Tr key={f.id}>
            <Table.Td>
              <bdi>{f.name}</bdi>
            </Table.Td>
            <Table.Td>{fmt.number(f.size)}</Table.Td>
            <Table.Td>
              <Badge color={statusColor[f.status]} variant="light">
                {t(f.status)}
              </Badge>
            </Table.Td>
            <Table.Td>{fmt.number(f.attempts)}</Table.Td>
            <Table.Td>{fmt.dateTime(f.startedAt)}</Table.Td>
            <Table.Td>
              <bdi>{f.movedTo ?? '—'}</bdi>
            </Table.Td>
            <Table.Td>
              <ErrorText error={f.error ?? f.moveError} />
            </Table.Td>
          </Table.Tr>
        )}
      </PagedLogTable>
    </Stack>
  );
}
