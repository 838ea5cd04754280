import { Button, Group, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { defineStrings, useT } from '../../../i18n/i18n';

const strings = defineStrings({
  en: { cancel: 'Cancel' },
  he: { cancel: 'ביטול' },
});

/** A destructive action behind a confirmation dialog. */
export function ConfirmButton(props: {
  label: string;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  loading?: boolean;
  ariaLabel?: string;
}) {
  const t = useT(strings);
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button
        size="xs"
        variant="light"
        color="red"
        onClick={open}
        aria-label={props.ariaLabel}
        loading={props.loading}
      >
        {props.label}
      </Button>
      <Modal opened={opened} onClose={close} title={props.title} centered>
        <Text size="sm">{props.message}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            onClick={() => {
              close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
