import type { Profile } from '@comeback/contracts';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { del } from '../../api/client';
import { useSession } from '../../api/session';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { profileKey } from './api';
import { identifierOf } from './customer-name';
import { customerStrings } from './strings';

/**
 * GDPR erasure. It cannot be undone, so the person types the customer's email (or profile id)
 * first, the way a repository is deleted on a forge: a click alone is too easy to misplace.
 */
export function EraseProfile({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const { canEdit } = useSession();
  const [opened, { open, close }] = useDisclosure(false);
  const [typed, setTyped] = useState('');
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const expected = identifierOf(profile, 'email') ?? profile.id;

  const erase = useMutation({
    mutationFn: () => del<{ erased: string }>(`/api/v1/profiles/${encodeURIComponent(profile.id)}`),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: profileKey(profile.id) });
      void queryClient.invalidateQueries({ queryKey: ['customers', 'list'] });
      navigate('/customers');
    },
  });

  if (!canEdit) return null;
  const dismiss = () => {
    setTyped('');
    erase.reset();
    close();
  };
  return (
    <>
      <Button color="red" variant="light" onClick={open} data-testid="customer-erase">
        {t('erase')}
      </Button>
      <Modal opened={opened} onClose={dismiss} title={t('eraseTitle')} centered>
        <Stack gap="sm">
          <Text size="sm">{t('eraseExplain')}</Text>
          <TextInput
            label={
              <>
                {t('eraseTypeToConfirm')} <bdi dir="ltr">{expected}</bdi>
              </>
            }
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            data-testid="customer-erase-confirm"
            autoComplete="off"
          />
          <ErrorAlert error={erase.error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={dismiss}>
              {t('cancel')}
            </Button>
            <Button
              color="red"
              disabled={typed.trim() !== expected}
              loading={erase.isPending}
              onClick={() => erase.mutate()}
              data-testid="customer-erase-submit"
            >
              {t('eraseConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
