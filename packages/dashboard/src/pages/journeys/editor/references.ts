import type { Segment, Template } from '@comeback/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { get } from '../../../api/client';
import type { Reference } from './canvas-context';

/** A field of the registry a condition may test (GET /segments/fields). */
export interface RegistryField {
  path: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'list' | 'any';
  description: string;
  values?: string[];
}

const referenceKeys = {
  templates: ['journeys', 'editor', 'templates'] as const,
  segments: ['journeys', 'editor', 'segments'] as const,
  fields: ['journeys', 'editor', 'fields'] as const,
};

/** Steps name templates and segments by id or by name: both find the same entry. */
function byIdAndName(list: Reference[]): Map<string, Reference> {
  const map = new Map<string, Reference>();
  for (const r of list) map.set(r.name, r);
  for (const r of list) map.set(r.id, r);
  return map;
}

export function useTemplateReferences() {
  const query = useQuery({
    queryKey: referenceKeys.templates,
    queryFn: async () => (await get<{ data: Template[] }>('/api/v1/templates')).data,
    staleTime: 30_000,
  });
  const list = useMemo(
    () => (query.data ?? []).map((t) => ({ id: t.id, name: t.name, channel: t.channel })),
    [query.data],
  );
  return { query, list, byRef: useMemo(() => byIdAndName(list), [list]) };
}

export function useSegmentReferences() {
  const query = useQuery({
    queryKey: referenceKeys.segments,
    queryFn: async () => (await get<{ data: Segment[] }>('/api/v1/segments')).data,
    staleTime: 30_000,
  });
  const list = useMemo(
    () => (query.data ?? []).map((s) => ({ id: s.id, name: s.name })),
    [query.data],
  );
  return { query, list, byRef: useMemo(() => byIdAndName(list), [list]) };
}

export function useRegistryFields() {
  return useQuery({
    queryKey: referenceKeys.fields,
    queryFn: async () => (await get<{ data: RegistryField[] }>('/api/v1/segments/fields')).data,
    staleTime: 60_000,
  });
}
