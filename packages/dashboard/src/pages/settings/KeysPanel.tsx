import { Badge, Group, Select, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, post } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ListTable } from '../../components/DataTable';
import { FormModal } from '../../components/form';
import { useFormat, useT } from '../../i18n/i18n';
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
      <ListTable
        query={query}
        empty={<Text c="dimmed">{t('noKeys')}</Text>}
        minWidth={720}
        striped
        columns={[
          t('prefix'),
          t('scope'),
          t('label'),
          t('created'),
          t('lastUsed'),
          t('status'),
          { label: <VisuallyHidden>{t('revoke')}</VisuallyHidden> },
        ]}
      >
        {(k) => (
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
                  compact
                  label={t('revoke')}
                  ariaLabel={`${t('revoke')} ${k.prefix}`}
                  title={t('revokeTitle')}
                  onConfirm={() => revoke.mutateAsync(k.id)}
                  action={revoke}
                >
                  {t('revokeText', { prefix: k.prefix })}
                </ConfirmButton>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      </ListTable>
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
  return (
    <FormModal
      label={t('createKey')}
      title={t('newKey')}
      testId="keys-create"
      opened={opened}
      onOpen={open}
      onClose={close}
      mutation={create}
      fields={['label', 'scope']}
    >
      {(fieldError) => (
        <>
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
        </>
      )}
    </FormModal>
  );
}
