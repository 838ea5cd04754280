import { EmptyState } from '@mantine/core';

/** An empty read, saying what it means and what to do about it. */
export function EmptyNote({ title, hint }: { title: string; hint?: string }) {
  return <EmptyState size="sm" title={title} description={hint} py="lg" />;
}
