import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useT } from '../i18n/i18n';
import { ErrorAlert } from './QueryView';
import { commonStrings } from './strings';

type FormMutation = Pick<UseMutationResult<unknown, Error, void>, 'mutate' | 'error'>;

/** A form sent by one mutation: submitting runs it, and the API's complaint names the field. */
export function useMutationForm(mutation: FormMutation) {
  return {
    fieldError: (field: string) =>
      mutation.error instanceof ApiError ? mutation.error.fieldMessage(field) : undefined,
    submit: (event: FormEvent) => {
      event.preventDefault();
      mutation.mutate();
    },
  };
}

/** A settings form's foot: "Saved." once it is, and the save button for those who may edit. */
export function SaveBar(props: {
  mutation: Pick<UseMutationResult<unknown, Error, void>, 'isPending' | 'isSuccess'>;
  canEdit: boolean;
}) {
  const t = useT(commonStrings);
  return (
    <>
      {props.mutation.isSuccess ? (
        <Text c="teal" size="sm" role="status">
          {t('saved')}
        </Text>
      ) : null}
      {props.canEdit ? (
        <Group>
          <Button type="submit" loading={props.mutation.isPending}>
            {t('save')}
          </Button>
        </Group>
      ) : null}
    </>
  );
}

/**
 * A button that opens a form in a dialog: the fields are the children; a refusal that names none
 * of `fields` shows above the buttons (one that does shows on its field).
 */
export function FormModal(props: {
  label: string;
  title: string;
  testId: string;
  opened: boolean;
  onOpen: () => void;
  onClose: () => void;
  mutation: FormMutation & { isPending: boolean };
  fields: readonly string[];
  children: (fieldError: (field: string) => string | undefined) => ReactNode;
}) {
  const t = useT(commonStrings);
  const { fieldError, submit } = useMutationForm(props.mutation);
  const named = props.fields.some((field) => fieldError(field));
  return (
    <>
      <Button onClick={props.onOpen} data-testid={props.testId}>
        {props.label}
      </Button>
      <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered>
        <form onSubmit={submit}>
          <Stack>
            {props.children(fieldError)}
            {props.mutation.error && !named ? <ErrorAlert error={props.mutation.error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={props.onClose}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={props.mutation.isPending}>
                {props.label}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
