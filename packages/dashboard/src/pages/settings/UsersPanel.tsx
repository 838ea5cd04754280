import type { CreateUserRequest, UserInfo, UserRole } from '@comeback/contracts';
import {
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
import { ApiError, del, get, patch, post } from '../../api/client';
import { useSession } from '../../api/session';
import { ErrorAlert, QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { ConfirmButton } from './ConfirmButton';
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
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed">{t('noUsers')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('email')}</Table.Th>
                    <Table.Th>{t('name')}</Table.Th>
                    <Table.Th>{t('role')}</Table.Th>
                    <Table.Th>{t('lastLogin')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('remove')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((u) => (
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
                            label={t('remove')}
                            ariaLabel={`${t('remove')} ${u.email}`}
                            title={t('removeTitle')}
                            text={t('removeText', { email: u.email })}
                            onConfirm={() => remove.mutateAsync(u.id)}
                            pending={remove.isPending}
                            error={remove.error}
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
  const fieldError = (field: string) =>
    invite.error instanceof ApiError ? invite.error.fieldMessage(field) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  const named = ['email', 'name', 'role'].some((field) => fieldError(field));
  return (
    <>
      <Button onClick={open} data-testid="users-invite">
        {t('invite')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('inviteTitle')} centered>
        <form onSubmit={submit}>
          <Stack>
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
            {invite.error && !named ? <ErrorAlert error={invite.error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={invite.isPending}>
                {t('invite')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
