import type {
  CredentialProvider,
  ProviderCredentialInput,
  ProviderCredentialSummary,
} from '@comeback/contracts';
import { PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { put } from '../../../api/client';
import { SaveBar, useMutationForm } from '../../../components/form';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { providerAccountStrings } from './providerAccountStrings';
import { SENDING_STATUS } from './SendingStatusSection';

type StringKey = keyof (typeof providerAccountStrings)['en'];

export const PROVIDER_CREDENTIALS = ['settings', 'provider-credentials'];

/** One input of a provider's account; `secret` ones are password inputs the browser won't fill. */
interface FieldSpec<F extends string> {
  name: F;
  label: StringKey;
  hint?: StringKey;
  secret?: boolean;
  placeholder?: string;
}
type FieldsOf = {
  [P in CredentialProvider]: readonly FieldSpec<keyof ProviderCredentialInput[P] & string>[];
};

/** The fields of PUT /api/v1/provider-credentials/{provider} (contracts: provider-credentials). */
const FIELDS: FieldsOf = {
  // The URL carries the SMTP password, so it is typed like one.
  smtp: [
    { name: 'url', label: 'smtpUrl', hint: 'smtpUrlHint', secret: true },
    {
      name: 'from',
      label: 'smtpFrom',
      hint: 'smtpFromHint',
      placeholder: 'Store <shop@example.com>',
    },
  ],
  twilio: [
    {
      name: 'accountSid',
      label: 'twilioAccountSid',
      hint: 'twilioAccountSidHint',
      placeholder: 'AC…',
    },
    { name: 'authToken', label: 'twilioAuthToken', secret: true },
    { name: 'from', label: 'twilioFrom', hint: 'twilioFromHint', placeholder: '+15555550123' },
  ],
  whatsapp: [
    { name: 'accessToken', label: 'whatsappAccessToken', secret: true },
    { name: 'phoneNumberId', label: 'whatsappPhoneNumberId', hint: 'whatsappPhoneNumberIdHint' },
    { name: 'appSecret', label: 'whatsappAppSecret', hint: 'whatsappAppSecretHint', secret: true },
    {
      name: 'verifyToken',
      label: 'whatsappVerifyToken',
      hint: 'whatsappVerifyTokenHint',
      secret: true,
    },
  ],
};

const blank = (provider: CredentialProvider): Record<string, string> =>
  Object.fromEntries(FIELDS[provider].map((field) => [field.name, '']));

/**
 * After a save or a removal both reads change: the account summaries and the sending status
 * (the channel cards above say which account each channel now sends through).
 */
export function useRefreshSending() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: PROVIDER_CREDENTIALS }),
      queryClient.invalidateQueries({ queryKey: SENDING_STATUS }),
    ]);
}

/**
 * An owner's form for this store's own account of one provider. The API never returns secrets,
 * so the fields start empty and are emptied again once saved: what was saved shows above them.
 */
export function CredentialForm(props: { provider: CredentialProvider; saved: boolean }) {
  const t = useT(providerAccountStrings);
  const { provider } = props;
  const refresh = useRefreshSending();
  const [values, setValues] = useState(() => blank(provider));
  const save = useMutation({
    mutationFn: () =>
      put<ProviderCredentialSummary>(
        `/api/v1/provider-credentials/${provider}`,
        // Pasted values often carry a stray space or line break; none of these may hold one.
        Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value.trim()])),
      ),
    onSuccess: async () => {
      setValues(blank(provider));
      await refresh();
    },
  });
  const { fieldError, submit } = useMutationForm(save);
  const fields = FIELDS[provider];
  const named = fields.some((field) => fieldError(field.name));

  return (
    <form onSubmit={submit} data-testid={`provider-account-${provider}-form`}>
      <Stack gap="sm">
        <div>
          <Title order={4} size="h5">
            {t('formTitle')}
          </Title>
          <Text size="xs" c="dimmed">
            {props.saved ? `${t('formReplace')} ${t('writeOnly')}` : t('writeOnly')}
          </Text>
        </div>
        {fields.map((field) => {
          const common = {
            label: t(field.label),
            description: field.hint ? t(field.hint) : undefined,
            placeholder: field.placeholder,
            dir: 'ltr',
            value: values[field.name] ?? '',
            onChange: (e: ChangeEvent<HTMLInputElement>) => {
              const value = e.currentTarget.value;
              setValues((current) => ({ ...current, [field.name]: value }));
            },
            error: fieldError(field.name),
          };
          // new-password: the browser must not offer the dashboard's own sign-in here.
          return field.secret ? (
            <PasswordInput key={field.name} autoComplete="new-password" {...common} />
          ) : (
            <TextInput key={field.name} autoComplete="off" {...common} />
          );
        })}
        {save.error && !named ? <ErrorAlert error={save.error} /> : null}
        <SaveBar mutation={save} canEdit />
      </Stack>
    </form>
  );
}
