import { Button, Group, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'wouter';

/** A set-up list's title, with the button that adds one for those who may edit. */
export function ListHeader(props: {
  title: string;
  createLabel: string;
  createTestId: string;
  canEdit: boolean;
  onCreate: () => void;
}) {
  return (
    <Group justify="space-between">
      <Title order={2} size="h3">
        {props.title}
      </Title>
      {props.canEdit ? (
        <Button onClick={props.onCreate} data-testid={props.createTestId}>
          {props.createLabel}
        </Button>
      ) : null}
    </Group>
  );
}

/** A row's actions: the link to its detail page first, then what an editor may do. */
export function RowActions(props: {
  href: string;
  linkLabel: string;
  linkAriaLabel: string;
  children?: ReactNode;
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        component={Link}
        href={props.href}
        size="xs"
        variant="light"
        aria-label={props.linkAriaLabel}
      >
        {props.linkLabel}
      </Button>
      {props.children}
    </Group>
  );
}
