import type { Profile } from '@comeback/contracts';
import { Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { del } from '../../api/client';
import { useSession } from '../../api/session';
import { ConfirmButton } from '../../components/ConfirmButton';
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
  return (
    <ConfirmButton
      label={t('erase')}
      confirmLabel={t('eraseConfirm')}
      title={t('eraseTitle')}
      onConfirm={() => erase.mutateAsync()}
      action={erase}
      canConfirm={typed.trim() === expected}
      onDismiss={() => setTyped('')}
      testId="customer-erase"
      confirmTestId="customer-erase-submit"
    >
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
    </ConfirmButton>
  );
}
