import { Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function Section(props: { title: string; note?: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section">
      <Title order={2} size="h4" mb={props.note ? 2 : 'sm'}>
        {props.title}
      </Title>
      {props.note ? (
        <Text size="xs" c="dimmed" mb="sm">
          {props.note}
        </Text>
      ) : null}
      {props.children}
    </Paper>
  );
}
