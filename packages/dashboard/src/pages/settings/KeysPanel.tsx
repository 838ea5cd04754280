import {
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, del, get, post } from '../../api/client';
import { ErrorAlert, QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { ConfirmButton } from './ConfirmButton';
import { SecretOnce } from './SecretOnce';
import { settingsStrings } from './strings';

/** GET /api/v1/keys (server: http/routes/key-routes.ts). */
interface ApiKey {
  id: string;
  scope: 'write' | 'admin';
  prefix: string;
  label: string | null;
  origin: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  current: boolean;
}
interface CreatedKey {
  id: string;
  scope: 'write' | 'admin';
  key: string;
}

const KEYS = ['settings', 'keys'];

export function KeysPanel() {
  const t = useT(settingsStrings);
  const f = useFormat();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: KEYS,
    queryFn: () => get<{ data: ApiKey[] }>('/api/v1/keys'),
  });
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => del<ApiKey>(`/api/v1/keys/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={600}>
          {t('keysIntro')}
        </Text>
        <CreateKey
          onCreated={(key) => {
            setCreated(key);
            void queryClient.invalidateQueries({ queryKey: KEYS });
          }}
        />
      </Group>
      {created ? (
        <SecretOnce
          title={t('keyCreated', {
            scope: created.scope === 'admin' ? t('scopeAdmin') : t('scopeWrite'),
          })}
          secret={created.key}
          testId="key-secret"
        />
      ) : null}
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed">{t('noKeys')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('prefix')}</Table.Th>
                    <Table.Th>{t('scope')}</Table.Th>
                    <Table.Th>{t('label')}</Table.Th>
                    <Table.Th>{t('created')}</Table.Th>
                    <Table.Th>{t('lastUsed')}</Table.Th>
                    <Table.Th>{t('status')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('revoke')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((k) => (
                    <Table.Tr key={k.id} data-testid="key-row">
                      <Table.Td>
                        <Text span ff="monospace" dir="ltr">
                          {k.prefix}…
                        </Text>
                      </Table.Td>
                      <Table.Td>{k.scope === 'admin' ? t('scopeAdmin') : t('scopeWrite')}</Table.Td>
                      <Table.Td>{k.label ?? '—'}</Table.Td>
                      <Table.Td>{f.dateTime(k.createdAt)}</Table.Td>
                      <Table.Td>{k.lastUsedAt ? f.dateTime(k.lastUsedAt) : t('never')}</Table.Td>
                      <Table.Td>
                        {k.revokedAt ? (
                          <Badge color="gray">{t('revoked', { date: f.date(k.revokedAt) })}</Badge>
                        ) : (
                          <Badge color="teal">{k.current ? t('thisKey') : t('active')}</Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {k.revokedAt ? null : (
                          <ConfirmButton
                            label={t('revoke')}
                            ariaLabel={`${t('revoke')} ${k.prefix}`}
                            title={t('revokeTitle')}
                            text={t('revokeText', { prefix: k.prefix })}
                            onConfirm={() => revoke.mutateAsync(k.id)}
                            pending={revoke.isPending}
                            error={revoke.error}
                          />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Stack>
  );
}

function CreateKey({ onCreated }: { onCreated: (key: CreatedKey) => void }) {
  const t = useT(settingsStrings);
  const [opened, { open, close }] = useDisclosure(false);
  const [scope, setScope] = useState<'admin' | 'write'>('admin');
  const [label, setLabel] = useState('');
  const create = useMutation({
    mutationFn: () =>
      post<CreatedKey>('/api/v1/keys', { scope, ...(label.trim() ? { label: label.trim() } : {}) }),
    onSuccess: (key) => {
      onCreated(key);
      setLabel('');
      close();
    },
  });
  const fieldError = (field: string) =>
    create.error instanceof ApiError ? create.error.fieldMessage(field) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <Button onClick={open} data-testid="keys-create">
        {t('createKey')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('newKey')} centered>
        <form onSubmit={submit}>
          <Stack>
            <Select
              label={t('scope')}
              value={scope}
              allowDeselect={false}
              onChange={(v) => setScope(v === 'write' ? 'write' : 'admin')}
              data={[
                { value: 'admin', label: t('scopeAdmin') },
                { value: 'write', label: t('scopeWrite') },
              ]}
              error={fieldError('scope')}
            />
            <TextInput
              label={t('label')}
              placeholder={t('labelHint')}
              value={label}
              maxLength={200}
              onChange={(e) => setLabel(e.currentTarget.value)}
              error={fieldError('label')}
            />
            {create.error && !fieldError('label') && !fieldError('scope') ? (
              <ErrorAlert error={create.error} />
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('createKey')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
