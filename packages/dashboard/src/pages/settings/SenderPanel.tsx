import { Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, put } from '../../api/client';
import { useSession } from '../../api/session';
import { SaveBar, useMutationForm } from '../../components/form';
import { ErrorAlert, QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { ProviderAccountsSection } from './sender/ProviderAccounts';
import { SendingStatusSection } from './sender/SendingStatusSection';
import { settingsStrings } from './strings';

/** GET/PUT /api/v1/messaging/settings (server: http/routes/message-routes.ts). */
interface SenderSettings {
  storeName: string;
  address: string | null;
  url: string | null;
}
const SENDER = ['settings', 'sender'];

export function SenderPanel() {
  const t = useT(settingsStrings);
  const query = useQuery({
    queryKey: SENDER,
    queryFn: () => get<SenderSettings>('/api/v1/messaging/settings'),
  });
  return (
    <Stack gap="xl">
      <Stack maw={720}>
        <Title order={2} size="h3">
          {t('storeDetailsTitle')}
        </Title>
        <QueryView query={query}>{(settings) => <SenderForm initial={settings} />}</QueryView>
      </Stack>
      <SendingStatusSection title={t('identitiesTitle')} />
      <ProviderAccountsSection />
    </Stack>
  );
}

function SenderForm({ initial }: { initial: SenderSettings }) {
  const t = useT(settingsStrings);
  const { canEdit } = useSession();
  const queryClient = useQueryClient();
  const [storeName, setStoreName] = useState(initial.storeName);
  const [address, setAddress] = useState(initial.address ?? '');
  const [url, setUrl] = useState(initial.url ?? '');
  const save = useMutation({
    // An emptied field is left out: the server then falls back to its default.
    mutationFn: () =>
      put<SenderSettings>('/api/v1/messaging/settings', {
        ...(storeName.trim() ? { storeName: storeName.trim() } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        ...(url.trim() ? { url: url.trim() } : {}),
      }),
    onSuccess: (saved) => queryClient.setQueryData(SENDER, saved),
  });
  const { fieldError, submit } = useMutationForm(save);
  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm" c="dimmed">
          {t('senderIntro')}
        </Text>
        <TextInput
          label={t('storeName')}
          value={storeName}
          maxLength={200}
          readOnly={!canEdit}
          onChange={(e) => setStoreName(e.currentTarget.value)}
          error={fieldError('storeName')}
        />
        <Textarea
          label={t('address')}
          value={address}
          maxLength={500}
          autosize
          minRows={2}
          readOnly={!canEdit}
          onChange={(e) => setAddress(e.currentTarget.value)}
          error={fieldError('address')}
        />
        <TextInput
          label={t('url')}
          type="url"
          dir="ltr"
          value={url}
          readOnly={!canEdit}
          onChange={(e) => setUrl(e.currentTarget.value)}
          error={fieldError('url')}
        />
        {save.error && !['storeName', 'address', 'url'].some((f) => fieldError(f)) ? (
          <ErrorAlert error={save.error} />
        ) : null}
        <SaveBar mutation={save} canEdit={canEdit} />
      </Stack>
    </form>
  );
}
