import { Button, Group, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { settingsStrings } from './strings';

/** A destructive action behind a confirmation dialog; the dialog shows the API's refusal. */
export function ConfirmButton(props: {
  label: string;
  title: string;
  text: string;
  ariaLabel: string;
  onConfirm: () => Promise<unknown>;
  pending: boolean;
  error: unknown;
}) {
  const t = useT(settingsStrings);
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button size="xs" color="red" variant="subtle" onClick={open} aria-label={props.ariaLabel}>
        {props.label}
      </Button>
      <Modal opened={opened} onClose={close} title={props.title} centered>
        <Text size="sm" mb="md">
          {props.text}
        </Text>
        <ErrorAlert error={props.error} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={close}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            loading={props.pending}
            onClick={() => void props.onConfirm().then(close, () => undefined)}
          >
            {props.label}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
