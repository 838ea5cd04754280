import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useT } from '../i18n/i18n';
import { ErrorAlert } from './QueryView';
import { commonStrings } from './strings';

/** What the dialog waits on (a TanStack mutation fits): its progress and refusal show inside. */
export interface ConfirmAction {
  isPending: boolean;
  error: unknown;
  reset: () => void;
}

/**
 * A destructive action behind a confirmation dialog. The dialog stays open until `onConfirm`
 * settles: it closes on success and shows the API's refusal otherwise, so a refused delete is
 * never mistaken for a done one.
 */
export function ConfirmButton(props: {
  /** The trigger's text; also the confirm button's unless `confirmLabel` says otherwise. */
  label: string;
  title: string;
  /** The dialog's explanation (a string is set as body text) and any extra input. */
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
  action: ConfirmAction;
  confirmLabel?: string;
  /** False keeps the confirm button disabled (e.g. until the person types a name). */
  canConfirm?: boolean;
  /** Called when the dialog is dismissed, to clear what was typed into it. */
  onDismiss?: () => void;
  ariaLabel?: string;
  testId?: string;
  confirmTestId?: string;
  /** The small trigger for a table row. */
  compact?: boolean;
}) {
  const t = useT(commonStrings);
  const [opened, { open, close }] = useDisclosure(false);
  const { action } = props;
  const dismiss = () => {
    props.onDismiss?.();
    action.reset();
    close();
  };
  return (
    <>
      <Button
        size={props.compact ? 'xs' : 'sm'}
        variant="light"
        color="red"
        onClick={open}
        aria-label={props.ariaLabel}
        data-testid={props.testId}
      >
        {props.label}
      </Button>
      <Modal opened={opened} onClose={dismiss} title={props.title} centered>
        <Stack gap="sm">
          {typeof props.children === 'string' ? (
            <Text size="sm">{props.children}</Text>
          ) : (
            props.children
          )}
          <ErrorAlert error={action.error} />
          <Group justify="flex-end" gap="sm" mt="xs">
            <Button variant="default" onClick={dismiss}>
              {t('cancel')}
            </Button>
            <Button
              color="red"
              disabled={props.canConfirm === false}
              loading={action.isPending}
              onClick={() => void props.onConfirm().then(close, () => undefined)}
              data-testid={props.confirmTestId}
            >
              {props.confirmLabel ?? props.label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
