import { Alert, Center, Loader } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** The message a person can act on: the API's own, else a generic one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert">
      {errorText(error)}
    </Alert>
  );
}

/** Loading, failed, or the data: the three states every read has. */
export function QueryView<T>({
  query,
  children,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center h={120}>
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (query.isError) return <ErrorAlert error={query.error} />;
  return <>{children(query.data)}</>;
}

/** A list read: loading, failed, empty (saying what that means), or its rows. */
export function ListView<T>({
  query,
  empty,
  children,
}: {
  query: UseQueryResult<{ data: T[] }>;
  empty: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  return (
    <QueryView query={query}>
      {({ data }) => (data.length === 0 ? empty : children(data))}
    </QueryView>
  );
}
