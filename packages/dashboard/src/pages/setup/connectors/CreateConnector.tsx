import type { CreatedConnector, StorePlatform } from '@comeback/contracts';
import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../../../api/client';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { CopyField } from '../../../components/CopyField';
import { setupKeys } from '../shared/keys';
import { platforms } from '../shared/types';
import { connectorStrings } from './strings';

const isPlatform = (v: string | null): v is StorePlatform => platforms.some((p) => p === v);

/** The create form, then (once) the webhook URL and signing secret to paste into the shop. */
export function CreateConnector(props: { opened: boolean; onClose: () => void }) {
  const t = useT(connectorStrings);
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState<StorePlatform>('shopify');
  const [name, setName] = useState('');
  const [shopDomain, setShopDomain] = useState('');
  const [secret, setSecret] = useState('');
  const create = useMutation({
    mutationFn: () =>
      post<CreatedConnector>('/api/v1/connectors', {
        platform,
        name: name.trim(),
        ...(secret.trim() ? { secret: secret.trim() } : {}),
        ...(platform === 'shopify' && shopDomain.trim() ? { shopDomain: shopDomain.trim() } : {}),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: setupKeys.connectors }),
  });

  function close() {
    create.reset();
    setName('');
    setShopDomain('');
    setSecret('');
    props.onClose();
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const fieldError = (field: string) =>
    create.error instanceof ApiError ? create.error.fieldMessage(field) : undefined;
  const created = create.data;

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={created ? t('createdTitle', { name: created.name }) : t('createTitle')}
      size="lg"
      // The secret is shown once: closing by a stray click outside would lose it.
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack data-testid="connector-created">
          <Text size="sm">{t('createdIntro')}</Text>
          <CopyField
            label={t('webhookUrl')}
            value={created.webhookUrl}
            testId="connector-webhook-url"
          />
          <CopyField label={t('secret')} value={created.secret} testId="connector-secret" />
          <Alert color="yellow" role="status">
            {t('secretOnce')}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>{t('done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Select
              label={t('platform')}
              data={platforms.map((p) => ({ value: p, label: t(p) }))}
              value={platform}
              onChange={(v) => {
                if (isPlatform(v)) setPlatform(v);
              }}
              allowDeselect={false}
              error={fieldError('platform')}
              data-testid="connector-platform"
            />
            <TextInput
              label={t('name')}
              description={t('nameHint')}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError('name')}
              data-testid="connector-name"
            />
            {platform === 'shopify' ? (
              <TextInput
                label={t('shopDomain')}
                description={t('shopDomainHint')}
                dir="ltr"
                value={shopDomain}
                onChange={(e) => setShopDomain(e.currentTarget.value)}
                error={fieldError('shopDomain')}
              />
            ) : null}
            {platform === 'magento' ? (
              <Textarea
                label={t('secretOptional')}
                description={t('secretMagentoHint')}
                dir="ltr"
                autosize
                minRows={2}
                maxRows={8}
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                error={fieldError('secret')}
              />
            ) : (
              <PasswordInput
                label={platform === 'shopify' ? t('secretShopify') : t('secretOptional')}
                description={
                  platform === 'shopify' ? t('secretShopifyHint') : t('secretOptionalHint')
                }
                required={platform === 'shopify'}
                autoComplete="off"
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                error={fieldError('secret')}
              />
            )}
            <ErrorAlert error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="connector-submit">
                {t('submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
