import type { SftpRunResult, SftpSource } from '@comeback/contracts';
import { Alert, Badge, Button, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, post } from '../../../api/client';
import { useSession } from '../../../api/session';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ListTable } from '../../../components/DataTable';
import { ErrorAlert } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import { ListHeader, RowActions } from '../shared/list-parts';
import type { ListOf } from '../shared/types';
import { CreateSftpSource } from './CreateSftpSource';
import { sftpStrings } from './strings';

const path = (id: string) => `/api/v1/sftp-sources/${encodeURIComponent(id)}`;

export function SftpList() {
  const t = useT(sftpStrings);
  const fmt = useFormat();
  const { canEdit } = useSession();
  const queryClient = useQueryClient();
  const [creating, { open, close }] = useDisclosure(false);
  const query = useQuery({
    queryKey: setupKeys.sftpSources,
    queryFn: () => get<ListOf<SftpSource>>('/api/v1/sftp-sources'),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: setupKeys.sftpSources });
  const run = useMutation({
    mutationFn: (id: string) => post<SftpRunResult>(`${path(id)}/run`),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => del(path(id)), onSuccess: refresh });

  return (
    <Stack>
      <ListHeader
        title={t('listTitle')}
        createLabel={t('create')}
        createTestId="sftp-create"
        canEdit={canEdit}
        onCreate={open}
      />
      <Text size="sm" c="dimmed">
        {t('listHint')}
      </Text>
      {run.data ? (
        <Alert
          color={run.data.error ? 'red' : 'teal'}
          role="status"
          withCloseButton
          onClose={() => run.reset()}
          data-testid="sftp-run-result"
        >
          {run.data.error
            ? t('ranError', { error: run.data.error })
            : t('ranOk', { count: fmt.number(run.data.files.length) })}
        </Alert>
      ) : null}
      <ErrorAlert error={run.error} />
      <ListTable
        query={query}
        empty={
          <Text c="dimmed" data-testid="sftp-empty">
            {t('empty')}
          </Text>
        }

        minWidth={900}
        verticalSpacing="sm"
        testId="sftp-list"
        columns={[
          t('name'),
          t('server'),
          t('schedule'),
          t('lastRun'),
          t('files'),
          t('status'),
          t('actions'),
        ]}
      >
        {(s) => (
          <Table.Tr key={s.id} data-testid={`sftp-row-${s.id}`}>
            <Table.Td>
              <Text fw={500}>{s.name}</Text>
              <Text size="xs" c="dimmed">
                {t(s.kind)}
                {s.mapping ? <bdi> · {s.mapping}</bdi> : null}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                <bdi>{`${s.username}@${s.host}:${s.port}`}</bdi>
              </Text>
              <Text size="xs" c="dimmed">
                <bdi>{`${s.remoteDir}/${s.pattern}`}</bdi>
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                <bdi>{`${s.schedule} (${s.timezone})`}</bdi>
              </Text>
              <Text size="xs" c="dimmed">
                {t('nextRun')}: {fmt.dateTime(s.nextRunAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              {fmt.dateTime(s.lastRunAt)}
              {s.lastError ? (
                <Text size="xs" c="red.8" lineClamp={2} title={s.lastError}>
                  {t('lastError')}: {s.lastError}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>
              {t('importedFailed', {
                imported: fmt.number(s.files.imported),
                failed: fmt.number(s.files.failed),
              })}
            </Table.Td>
            <Table.Td>
              <Badge color={s.enabled ? 'teal' : 'gray'} variant="light">
                {s.enabled ? t('active') : t('paused')}
              </Badge>
            </Table.Td>
            <Table.Td>
              <RowActions
                href={`/setup/sftp/${encodeURIComponent(s.id)}`}
                linkLabel={t('files')}
                linkAriaLabel={t('filesOf', { name: s.name })}
              >
                {canEdit ? (
                  <>
                    <Button
                      size="xs"
                      variant="light"
                      loading={run.isPending && run.variables === s.id}
                      disabled={run.isPending}
                      onClick={() => run.mutate(s.id)}
                      aria-label={t('runNowOf', { name: s.name })}
                      data-testid={`sftp-run-${s.id}`}
                    >
                      {t('runNow')}
                    </Button>
                    <ConfirmButton
                      compact
                      label={t('remove')}
                      ariaLabel={t('removeOf', { name: s.name })}
                      title={t('removeTitle')}
                      onConfirm={() => remove.mutateAsync(s.id)}
                      action={remove}
                    >
                      {t('removeMessage', { name: s.name })}
                    </ConfirmButton>
                  </>
                ) : null}
              </RowActions>
            </Table.Td>
          </Table.Tr>
        )}
      </ListTable>
      {canEdit ? <CreateSftpSource opened={creating} onClose={close} /> : null}
    </Stack>
  );
}
