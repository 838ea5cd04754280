import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { del } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { useT } from '../../i18n/i18n';
import { segmentKeys, segmentPath } from './api';
import { segmentStrings } from './strings';

/** Delete after a confirmation; the server refuses while a journey or segment uses it. */
export function DeleteSegment({ id }: { id: string }) {
  const t = useT(segmentStrings);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => del<void>(segmentPath(id)),
    onSuccess: () => {
      navigate('/segments');
      // Its definition, count, history and members are gone; asking again would only 404.
      queryClient.removeQueries({
        predicate: (q) => q.queryKey[0] === 'segments' && q.queryKey[2] === id,
      });
      void queryClient.invalidateQueries({ queryKey: segmentKeys.list });
    },
  });
  return (
    <ConfirmButton
      label={t('delete')}
      confirmLabel={t('confirmDelete')}
      title={t('deleteTitle')}
      onConfirm={() => remove.mutateAsync()}
      action={remove}
      testId="segment-delete"
      confirmTestId="segment-delete-confirm"
    >
      {t('deleteBody')}
    </ConfirmButton>
  );
}
