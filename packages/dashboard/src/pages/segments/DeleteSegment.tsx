import { Button, Group, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { del } from '../../api/client';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { segmentKeys, segmentPath } from './api';
import { segmentStrings } from './strings';

/** Delete after a confirmation; the server refuses while a journey or segment uses it. */
export function DeleteSegment({ id }: { id: string }) {
  const t = useT(segmentStrings);
  const [opened, { open, close }] = useDisclosure(false);
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
    <>
      <Button variant="light" color="red" onClick={open} data-testid="segment-delete">
        {t('delete')}
      </Button>
      <Modal
        opened={opened}
        onClose={() => {
          remove.reset();
          close();
        }}
        title={t('deleteTitle')}
      >
        <Text size="sm" mb="md">
          {t('deleteBody')}
        </Text>
        <ErrorAlert error={remove.error} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={close}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => remove.mutate()}
            data-testid="segment-delete-confirm"
          >
            {t('confirmDelete')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
