import type { CreateUserRequest, UserInfo, UserRole } from '@comeback/contracts';
import { Group, Select, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, patch, post } from '../../api/client';
import { useSession } from '../../api/session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ListTable } from '../../components/DataTable';
import { FormModal } from '../../components/form';
import { ErrorAlert } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { SecretOnce } from './SecretOnce';
import { settingsStrings } from './strings';

const USERS = ['settings', 'users'];
const userRoles: readonly UserRole[] = ['owner', 'editor', 'viewer'];
const roleOf = (value: string | null) => userRoles.find((r) => r === value);
type CreatedUser = UserInfo & { password?: string };

export function UsersPanel() {
  const t = useT(settingsStrings);
  const f = useFormat();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: USERS,
    queryFn: () => get<{ data: UserInfo[] }>('/api/v1/users'),
  });
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: USERS });
  const changeRole = useMutation({
    mutationFn: (v: { id: string; role: UserRole }) =>
      patch<UserInfo>(`/api/v1/users/${encodeURIComponent(v.id)}`, { role: v.role }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/api/v1/users/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  const roleOptions = userRoles.map((r) => ({ value: r, label: t(r) }));

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={600}>
          {t('usersIntro')}
        </Text>
        <InviteUser
          onCreated={(user) => {
            setCreated(user);
            void refresh();
          }}
        />
      </Group>
      {created?.password ? (
        <SecretOnce
          title={t('passwordTitle', { email: created.email })}
          text={t('passwordText', { email: created.email })}
          secret={created.password}
          testId="user-password"
        />
      ) : null}
      <ErrorAlert error={changeRole.error} />
      <ListTable
        query={query}
        empty={<Text c="dimmed">{t('noUsers')}</Text>}
        minWidth={640}
        striped
        columns={[
          t('email'),
          t('name'),
          t('role'),
          t('lastLogin'),
          { label: <VisuallyHidden>{t('remove')}</VisuallyHidden> },
        ]}
      >
        {(u) => (
          <Table.Tr key={u.id} data-testid="user-row">
            <Table.Td>
              <bdi>{u.email}</bdi>
              {u.id === session?.user.id ? (
                <Text span c="dimmed" size="sm">
                  {' '}
                  ({t('you')})
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>{u.name ?? '—'}</Table.Td>
            <Table.Td>
              <Select
                aria-label={t('roleOf', { email: u.email })}
                size="xs"
                w={130}
                value={u.role}
                allowDeselect={false}
                data={roleOptions}
                disabled={changeRole.isPending}
                onChange={(value) => {
                  const role = roleOf(value);
                  if (role && role !== u.role) changeRole.mutate({ id: u.id, role });
                }}
              />
            </Table.Td>
            <Table.Td>{u.lastLoginAt ? f.dateTime(u.lastLoginAt) : t('never')}</Table.Td>
            <Table.Td>
              {u.id === session?.user.id ? null : (
                <ConfirmButton
                  compact
                  label={t('remove')}
                  ariaLabel={`${t('remove')} ${u.email}`}
                  title={t('removeTitle')}
                  onConfirm={() => remove.mutateAsync(u.id)}
                  action={remove}
                >
                  {t('removeText', { email: u.email })}
                </ConfirmButton>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      </ListTable>
    </Stack>
  );
}

function InviteUser({ onCreated }: { onCreated: (user: CreatedUser) => void }) {
  const t = useT(settingsStrings);
  const { locale } = useSession();
  const [opened, { open, close }] = useDisclosure(false);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('editor');
  const invite = useMutation({
    mutationFn: () => {
      const body: CreateUserRequest = {
        email: email.trim(),
        role,
        locale,
        ...(name.trim() ? { name: name.trim() } : {}),
      };
      return post<CreatedUser>('/api/v1/users', body);
    },
    onSuccess: (user) => {
      onCreated(user);
      setEmail('');
      setName('');
      close();
    },
  });
  return (
    <FormModal
      label={t('invite')}
      title={t('inviteTitle')}
      testId="users-invite"
      opened={opened}
      onOpen={open}
      onClose={close}
      mutation={invite}
      fields={['email', 'name', 'role']}
    >
      {(fieldError) => (
        <>
          <TextInput
            label={t('email')}
            type="email"
            required
            dir="ltr"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError('email')}
          />
          <TextInput
            label={t('name')}
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError('name')}
          />
          <Select
            label={t('role')}
            value={role}
            allowDeselect={false}
            data={userRoles.map((r) => ({ value: r, label: t(r) }))}
            onChange={(value) => setRole(roleOf(value) ?? role)}
            error={fieldError('role')}
          />
        </>
      )}
    </FormModal>
  );
}
