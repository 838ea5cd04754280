import type { SavedMapping, SftpSource } from '@comeback/contracts';
import {
  Button,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, get, post } from '../../../api/client';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import { importKinds, type ListOf } from '../shared/types';
import { sftpStrings } from './strings';

interface Form {
  name: string;
  host: string;
  port: number;
  username: string;
  auth: 'password' | 'privateKey';
  password: string;
  privateKey: string;
  passphrase: string;
  hostFingerprint: string;
  remoteDir: string;
  pattern: string;
  kind: string;
  format: string;
  mapping: string;
  schedule: string;
  timezone: string;
  enabled: boolean;
}

/** Select values for "from the file name" and "no mapping" (no mapping name starts with -). */
const AUTO_FORMAT = 'auto';
const NO_MAPPING = '-';
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const emptyForm = (): Form => ({
  name: '',
  host: '',
  port: 22,
  username: '',
  auth: 'password',
  password: '',
  privateKey: '',
  passphrase: '',
  hostFingerprint: '',
  remoteDir: '.',
  pattern: '*.csv',
  kind: 'orders',
  format: AUTO_FORMAT,
  mapping: NO_MAPPING,
  schedule: '0 * * * *',
  timezone: browserZone(),
  enabled: true,
});

/** The API's create body; credentials are sent once and never come back. */
function bodyOf(f: Form) {
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: f.name.trim(),
    host: f.host.trim(),
    port: f.port,
    username: f.username.trim(),
    hostFingerprint: orNull(f.hostFingerprint),
    remoteDir: f.remoteDir.trim() || '.',
    pattern: f.pattern.trim(),
    kind: f.kind,
    format: f.format === AUTO_FORMAT ? null : f.format,
    mapping: f.mapping === NO_MAPPING ? null : f.mapping,
    schedule: f.schedule.trim(),
    timezone: f.timezone,
    enabled: f.enabled,
    ...(f.auth === 'password'
      ? { password: f.password }
      : { privateKey: f.privateKey, ...(f.passphrase ? { passphrase: f.passphrase } : {}) }),
  };
}

export function CreateSftpSource(props: { opened: boolean; onClose: () => void }) {
  const t = useT(sftpStrings);
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(emptyForm);
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const mappings = useQuery({
    queryKey: setupKeys.mappings,
    queryFn: () => get<ListOf<SavedMapping>>('/api/v1/import-mappings'),
    enabled: props.opened,
  });
  // Chromium's list leaves out UTC; the browser's own zone may be an alias.
  const zones = useMemo(
    () => [...new Set(['UTC', browserZone(), ...Intl.supportedValuesOf('timeZone')])],
    [],
  );
  const create = useMutation({
    mutationFn: () => post<SftpSource>('/api/v1/sftp-sources', bodyOf(form)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: setupKeys.sftpSources });
      close();
    },
  });
  const fieldError = (field: string) =>
    create.error instanceof ApiError ? create.error.fieldMessage(field) : undefined;

  function close() {
    setForm(emptyForm());
    create.reset();
    props.onClose();
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const text = (key: 'name' | 'host' | 'username' | 'remoteDir' | 'pattern' | 'schedule') => ({
    value: form[key],
    onChange: (e: { currentTarget: { value: string } }) => set(key, e.currentTarget.value),
    error: fieldError(key),
  });

  return (
    <Modal opened={props.opened} onClose={close} title={t('createTitle')} size="lg">
      <form onSubmit={submit} noValidate data-testid="sftp-form">
        <Stack>
          <TextInput label={t('name')} required {...text('name')} data-testid="sftp-name" />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label={t('host')} required dir="ltr" {...text('host')} />
            <NumberInput
              label={t('port')}
              min={1}
              max={65535}
              value={form.port}
              onChange={(v) => set('port', typeof v === 'number' ? v : Number(v) || 22)}
              error={fieldError('port')}
            />
            <TextInput
              label={t('username')}
              required
              dir="ltr"
              autoComplete="off"
              {...text('username')}
            />
          </SimpleGrid>
          <SegmentedControl
            aria-label={t('auth')}
            value={form.auth}
            onChange={(v) => set('auth', v === 'privateKey' ? 'privateKey' : 'password')}
            data={[
              { value: 'password', label: t('password') },
              { value: 'privateKey', label: t('privateKey') },
            ]}
          />
          {form.auth === 'password' ? (
            <PasswordInput
              label={t('password')}
              description={t('passwordHint')}
              required
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => set('password', e.currentTarget.value)}
              error={fieldError('password')}
            />
          ) : (
            <>
              <Textarea
                label={t('privateKey')}
                description={t('privateKeyHint')}
                required
                dir="ltr"
                autosize
                minRows={3}
                maxRows={10}
                ff="monospace"
                value={form.privateKey}
                onChange={(e) => set('privateKey', e.currentTarget.value)}
                error={fieldError('privateKey') ?? fieldError('password')}
              />
              <PasswordInput
                label={t('passphrase')}
                autoComplete="off"
                value={form.passphrase}
                onChange={(e) => set('passphrase', e.currentTarget.value)}
                error={fieldError('passphrase')}
              />
            </>
          )}
          <TextInput
            label={t('hostFingerprint')}
            description={t('hostFingerprintHint')}
            dir="ltr"
            value={form.hostFingerprint}
            onChange={(e) => set('hostFingerprint', e.currentTarget.value)}
            error={fieldError('hostFingerprint')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('remoteDir')} dir="ltr" {...text('remoteDir')} />
            <TextInput
              label={t('pattern')}
              description={t('patternHint')}
              dir="ltr"
              {...text('pattern')}
            />
            <Select
              label={t('kind')}
              data={importKinds.map((k) => ({ value: k, label: t(k) }))}
              value={form.kind}
              allowDeselect={false}
              // A saved mapping belongs to one kind.
              onChange={(v) => setForm((f) => ({ ...f, kind: v ?? 'orders', mapping: NO_MAPPING }))}
              error={fieldError('kind')}
            />
            <Select
              label={t('format')}
              data={[
                { value: AUTO_FORMAT, label: t('formatAuto') },
                { value: 'csv', label: 'CSV' },
                { value: 'jsonl', label: 'JSON lines' },
              ]}
              value={form.format}
              allowDeselect={false}
              onChange={(v) => set('format', v ?? AUTO_FORMAT)}
            />
          </SimpleGrid>
          <Select
            label={t('mapping')}
            description={t('mappingHint')}
            data={[
              { value: NO_MAPPING, label: t('mappingNone') },
              ...(mappings.data?.data ?? [])
                .filter((m) => m.kind === form.kind)
                .map((m) => ({ value: m.name, label: m.name })),
            ]}
            value={form.mapping}
            allowDeselect={false}
            onChange={(v) => set('mapping', v ?? NO_MAPPING)}
            error={fieldError('mapping')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('schedule')}
              description={t('scheduleHint')}
              dir="ltr"
              {...text('schedule')}
            />
            <Select
              label={t('timezone')}
              data={zones}
              searchable
              value={form.timezone}
              allowDeselect={false}
              onChange={(v) => set('timezone', v ?? 'UTC')}
              error={fieldError('timezone')}
            />
          </SimpleGrid>
          <Switch
            label={t('enabled')}
            checked={form.enabled}
            onChange={(e) => set('enabled', e.currentTarget.checked)}
          />
          <ErrorAlert error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="sftp-submit">
              {t('submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
