import type { ConsentChannel, ConsentState, ConsentStatus, Profile } from '@comeback/contracts';
import { Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { put } from '../../api/client';
import { useSession } from '../../api/session';
import { ErrorAlert, QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { profileKey, useConsent } from './api';
import { EmptyNote } from './EmptyNote';
import { customerStrings } from './strings';

const CONSENT_CHANNELS = [
  'email',
  'sms',
  'whatsapp',
  'push',
] as const satisfies readonly ConsentChannel[];
const statusColor: Record<ConsentStatus, string> = {
  subscribed: 'green',
  unsubscribed: 'red',
  pending: 'yellow',
};

interface Change {
  channel: ConsentChannel;
  status: ConsentStatus;
}

/** Marketing consent per channel, every change with its source, and (editors) a change. */
export function ConsentSection({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const format = useFormat();
  const consent = useConsent(profile.id);
  const { canEdit, session } = useSession();
  const queryClient = useQueryClient();
  const [change, setChange] = useState<Change | null>(null);

  const record = useMutation({
    mutationFn: (c: Change) =>
      put<ConsentState>(`/api/v1/profiles/${encodeURIComponent(profile.id)}/consent`, {
        ...c,
        // The history says who changed it by hand, for the audit trail.
        source: `dashboard: ${session?.user.email ?? 'user'}`.slice(0, 200),
      }),
    onSuccess: () => {
      setChange(null);
      void queryClient.invalidateQueries({ queryKey: profileKey(profile.id) });
    },
  });

  return (
    <QueryView query={consent}>
      {(view) => {
        const byChannel = new Map(view.data.map((c) => [c.channel, c]));
        const history = [...view.history].reverse();
        return (
          <Stack gap="xl">
            <section>
              <Title order={2} size="h4" mb="sm">
                {t('consentTitle')}
              </Title>
              <Table data-testid="customer-consent">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colChannel')}</Table.Th>
                    <Table.Th>{t('colStatus')}</Table.Th>
                    <Table.Th>{t('colSource')}</Table.Th>
                    <Table.Th>{t('colUpdated')}</Table.Th>
                    {canEdit ? <Table.Th>{t('colChange')}</Table.Th> : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {CONSENT_CHANNELS.map((channel) => {
                    const state = byChannel.get(channel);
                    const next: ConsentStatus =
                      state?.status === 'subscribed' ? 'unsubscribed' : 'subscribed';
                    return (
                      <Table.Tr
                        key={channel}
                        data-testid={`consent-${channel}`}
                        data-status={state?.status ?? 'none'}
                      >
                        <Table.Td>{t(`ch_${channel}`)}</Table.Td>
                        <Table.Td>
                          {state ? (
                            <Badge color={statusColor[state.status]} variant="light">
                              {t(`consent_${state.status}`)}
                            </Badge>
                          ) : (
                            <Text size="sm" c="dimmed">
                              {t('consentNever')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <bdi>{state?.source ?? '—'}</bdi>
                        </Table.Td>
                        <Table.Td>{format.dateTime(state?.updatedAt)}</Table.Td>
                        {canEdit ? (
                          <Table.Td>
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setChange({ channel, status: next })}
                              aria-label={`${t(
                                next === 'subscribed' ? 'consentSubscribe' : 'consentUnsubscribe',
                              )} (${t(`ch_${channel}`)})`}
                            >
                              {t(next === 'subscribed' ? 'consentSubscribe' : 'consentUnsubscribe')}
                            </Button>
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
              <Text size="xs" c="dimmed" mt="xs">
                {t('consentNote')}
              </Text>
            </section>

            <section>
              <Title order={2} size="h4" mb="sm">
                {t('consentHistoryTitle')}
              </Title>
              {history.length === 0 ? (
                <EmptyNote title={t('consentNoHistory')} hint={t('consentNoHistoryHint')} />
              ) : (
                <Table data-testid="consent-history">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('colWhen')}</Table.Th>
                      <Table.Th>{t('colChannel')}</Table.Th>
                      <Table.Th>{t('colStatus')}</Table.Th>
                      <Table.Th>{t('colSource')}</Table.Th>
                      <Table.Th>{t('colProof')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {history.map((entry, index) => (
                      <Table.Tr key={`${entry.at}:${entry.channel}:${index}`}>
                        <Table.Td>{format.dateTime(entry.at)}</Table.Td>
                        <Table.Td>{t(`ch_${entry.channel}`)}</Table.Td>
                        <Table.Td>{t(`consent_${entry.status}`)}</Table.Td>
                        <Table.Td>
                          <bdi>{entry.source}</bdi>
                        </Table.Td>
                        <Table.Td>
                          <bdi>
                            {entry.proof
                              ? [entry.proof.form, entry.proof.ip, entry.proof.text]
                                  .filter(Boolean)
                                  .join(' · ') || '—'
                              : '—'}
                          </bdi>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </section>

            <Modal
              opened={change !== null}
              onClose={() => {
                setChange(null);
                record.reset();
              }}
              title={t('consentConfirmTitle')}
              centered
            >
              {change ? (
                <Stack gap="sm">
                  <Text size="sm">
                    {t('consentConfirm', {
                      channel: t(`ch_${change.channel}`),
                      status: t(`consent_${change.status}`),
                    })}
                  </Text>
                  <ErrorAlert error={record.error} />
                  <Group justify="flex-end" gap="sm">
                    <Button variant="default" onClick={() => setChange(null)}>
                      {t('cancel')}
                    </Button>
                    <Button
                      loading={record.isPending}
                      onClick={() => record.mutate(change)}
                      data-testid="consent-confirm"
                    >
                      {t('consentConfirmButton')}
                    </Button>
                  </Group>
                </Stack>
              ) : null}
            </Modal>
          </Stack>
        );
      }}
    </QueryView>
  );
}
