import type { Segment, SegmentCondition } from '@comeback/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, post } from '../../api/client';

/**
 * The segments area's reads, all on the public admin API. Query keys start with 'segments' so
 * a workspace switch drops them and a save can invalidate the whole area at once.
 */

export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'list' | 'any';

export interface FieldInfo {
  path: string;
  type: FieldType;
  description: string;
  values?: string[];
}

export interface Recipe {
  id: string;
  name: string;
  description: string;
  condition: SegmentCondition;
}

export interface Member {
  id: string;
  email: string | null;
  userId: string | null;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  orderCount: number;
  totalSpent: number;
  lastOrderAt: string | null;
}

export interface Preview {
  count: number;
  sample: Member[];
  at: string;
  tookMs: number;
}

export interface HistoryDay {
  date: string;
  size: number;
  entered: number;
  exited: number;
}
export interface History {
  size: number;
  days: HistoryDay[];
}

export interface MembersPage {
  data: Member[];
  nextCursor: string | null;
}

export const segmentKeys = {
  all: ['segments'] as const,
  list: ['segments', 'list'] as const,
  one: (id: string) => ['segments', 'one', id] as const,
  count: (id: string) => ['segments', 'count', id] as const,
  history: (id: string, days: number) => ['segments', 'history', id, days] as const,
  members: (id: string, cursor: string | null) => ['segments', 'members', id, cursor] as const,
  fields: ['segments', 'fields'] as const,
  recipes: ['segments', 'recipes'] as const,
  preview: (condition: unknown) => ['segments', 'preview', condition] as const,
};

const BASE = '/api/v1/segments';
export const segmentPath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export function useSegments() {
  return useQuery({
    queryKey: segmentKeys.list,
    queryFn: async () => (await get<{ data: Segment[] }>(BASE)).data,
  });
}

export function useSegment(id: string) {
  return useQuery({ queryKey: segmentKeys.one(id), queryFn: () => get<Segment>(segmentPath(id)) });
}

/** Evaluated now by the server; a row of the list asks for its own. */
export function useSegmentCount(id: string) {
  return useQuery({
    queryKey: segmentKeys.count(id),
    queryFn: () => get<{ count: number; at: string }>(`${segmentPath(id)}/count`),
    staleTime: 30_000,
  });
}

export function useFields() {
  return useQuery({
    queryKey: segmentKeys.fields,
    queryFn: async () => (await get<{ data: FieldInfo[] }>(`${BASE}/fields`)).data,
    staleTime: 5 * 60_000,
  });
}

export function useRecipes() {
  return useQuery({
    queryKey: segmentKeys.recipes,
    queryFn: async () => (await get<{ data: Recipe[] }>(`${BASE}/recipes`)).data,
    staleTime: Infinity,
  });
}

export function useHistory(id: string, days: number) {
  return useQuery({
    queryKey: segmentKeys.history(id, days),
    queryFn: () => get<History>(`${segmentPath(id)}/history`, { days }),
  });
}

export const MEMBERS_PAGE_SIZE = 25;

export function useMembers(id: string, cursor: string | null) {
  return useQuery({
    queryKey: segmentKeys.members(id, cursor),
    queryFn: () =>
      get<MembersPage>(`${segmentPath(id)}/members`, { limit: MEMBERS_PAGE_SIZE, cursor }),
    placeholderData: keepPreviousData,
  });
}

/**
 * The size of a condition being edited. `condition` is already debounced by the caller; the
 * previous answer stays on screen while the next one is computed, so the number does not blink.
 */
export function usePreview(condition: unknown, enabled: boolean) {
  return useQuery({
    queryKey: segmentKeys.preview(condition),
    queryFn: () => post<Preview>(`${BASE}/preview`, { condition }),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
  });
}
