import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PageHeader(props: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap">
      <div>
        <Title order={1} size="h2">
          {props.title}
        </Title>
        {props.description ? (
          <Text c="dimmed" size="sm" mt={4}>
            {props.description}
          </Text>
        ) : null}
      </div>
      {props.actions ? <Group gap="sm">{props.actions}</Group> : null}
    </Group>
  );
}
