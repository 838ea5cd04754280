import type {
  CredentialProvider,
  ProviderCredentialList,
  ProviderCredentialSummary,
} from '@comeback/contracts';
import { Badge, Card, Divider, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get } from '../../../api/client';
import { useSession } from '../../../api/session';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { Fact, Ltr } from './ChannelCard';
import { CredentialForm, PROVIDER_CREDENTIALS, useRefreshSending } from './CredentialForm';
import { providerAccountStrings } from './providerAccountStrings';

// Listed here rather than imported from the contracts: a value import would bring zod along.
const PROVIDERS: readonly CredentialProvider[] = ['smtp', 'twilio', 'whatsapp'];

const SOURCE = {
  workspace: { label: 'sourceWorkspace', color: 'teal' },
  instance: { label: 'sourceInstance', color: 'blue' },
  none: { label: 'sourceNone', color: 'gray' },
} as const;

/**
 * GET /api/v1/provider-credentials: which account each channel sends through, readable by every
 * role; owners also save or remove this store's own (PUT/DELETE, owner-only on the server).
 */
export function ProviderAccountsSection() {
  const t = useT(providerAccountStrings);
  const { isOwner } = useSession();
  const query = useQuery({
    queryKey: PROVIDER_CREDENTIALS,
    queryFn: () => get<ProviderCredentialList>('/api/v1/provider-credentials'),
  });
  return (
    <Stack gap="md" data-testid="provider-accounts">
      <div>
        <Title order={2} size="h3">
          {t('title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('intro')}
        </Text>
        {isOwner ? null : (
          <Text size="sm" c="dimmed" data-testid="provider-accounts-owner-only">
            {t('ownerOnly')}
          </Text>
        )}
      </div>
      <QueryView query={query}>
        {({ data }) => (
          <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
            {PROVIDERS.map((provider) => {
              const summary = data.find((s) => s.provider === provider);
              return summary ? (
                <ProviderAccountCard key={provider} summary={summary} isOwner={isOwner} />
              ) : null;
            })}
          </SimpleGrid>
        )}
      </QueryView>
    </Stack>
  );
}

function ProviderAccountCard(props: { summary: ProviderCredentialSummary; isOwner: boolean }) {
  const t = useT(providerAccountStrings);
  const f = useFormat();
  const { provider, source, sender, account, updatedAt } = props.summary;
  const testId = `provider-account-${provider}`;
  const refresh = useRefreshSending();
  // A new form after a removal, so no "Saved." is left from the account just removed.
  const [formGeneration, setFormGeneration] = useState(0);
  const remove = useMutation({
    mutationFn: () => del(`/api/v1/provider-credentials/${provider}`),
    onSuccess: async () => {
      setFormGeneration((n) => n + 1);
      await refresh();
    },
  });
  const where =
    source === 'workspace'
      ? t('whereWorkspace', { date: f.dateTime(updatedAt) })
      : source === 'instance'
        ? t('whereInstance')
        : t('whereNone');

  return (
    <Card withBorder padding="md" data-testid={testId} data-source={source}>
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={3} size="h4">
            {t(provider)}
          </Title>
          <Badge color={SOURCE[source].color} variant="light" data-testid={`${testId}-source`}>
            {t(SOURCE[source].label)}
          </Badge>
        </Group>
        <Text size="sm" data-testid={`${testId}-where`}>
          {where}
        </Text>
        {sender !== null ? (
          <Fact label={t('sender')} testId={`${testId}-sender`}>
            <Ltr>{sender}</Ltr>
          </Fact>
        ) : null}
        {account !== null ? (
          <Fact label={t('account')} testId={`${testId}-account`}>
            <Ltr>{account}</Ltr>
          </Fact>
        ) : null}
        {source === 'workspace' && props.isOwner ? (
          <Group>
            <ConfirmButton
              label={t('remove')}
              ariaLabel={t('removeLabel', { provider: t(provider) })}
              title={t('removeTitle')}
              onConfirm={() => remove.mutateAsync()}
              action={remove}
              testId={`${testId}-remove`}
              confirmTestId={`${testId}-remove-confirm`}
            >
              {t('removeText', { provider: t(provider) })}
            </ConfirmButton>
          </Group>
        ) : null}
        {props.isOwner ? (
          <>
            <Divider />
            <CredentialForm
              key={formGeneration}
              provider={provider}
              saved={source === 'workspace'}
            />
          </>
        ) : null}
      </Stack>
    </Card>
  );
}
