import { Text } from '@mantine/core';

/** A log row's error as the server wrote it (any language, any direction); nothing when none. */
export function ErrorText({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <Text size="sm" c="red.8">
      <bdi>{error}</bdi>
    </Text>
  );
}
