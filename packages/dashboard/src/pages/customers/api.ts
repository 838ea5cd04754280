import type {
  ConsentState,
  Enrollment,
  MessageStatus,
  MessageView,
  Order,
  PredictionExplanation,
  Profile,
  RecommendationItem,
  ReplenishmentPage,
  TraceEntry,
} from '@comeback/contracts';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError, get } from '../../api/client';

/**
 * Every read of the customers area, through the public admin API. Query keys start with
 * 'customers' (a workspace switch clears them); a profile's reads share ['customers',
 * 'profile', id] so erasing or editing one invalidates all of its parts at once.
 */

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
export type ConsentHistoryEntry = ConsentState & { at: string };
export interface ConsentView {
  profileId: string;
  data: ConsentState[];
  history: ConsentHistoryEntry[];
}
export interface SegmentMembership {
  segmentId: string;
  name: string;
  since: string;
  cause: string;
}
export interface EnrollmentTrace {
  enrollment: Enrollment;
  steps: TraceEntry[];
}
export interface MessageDetail extends MessageView {
  html: string | null;
  text: string;
  history: { status: MessageStatus; at: string; detail: string | null }[];
}
export interface StoredEvent {
  messageId: string;
  type: string;
  event: string | null;
  timestamp: string;
  receivedAt: string;
  timeAdjusted?: boolean;
  payload: Record<string, unknown>;
}

/** How the list is searched: `q` is a prefix of a name, an email or a user id; the rest exact. */
export const searchModes = ['q', 'email', 'userId', 'phone', 'customerId'] as const;
export type SearchMode = (typeof searchModes)[number];

export const LIST_LIMIT = 50;
const EVENTS_LIMIT = 50;
const MESSAGES_LIMIT = 25;

export const profileKey = (id: string) => ['customers', 'profile', id] as const;
const partKey = (id: string, part: string) => [...profileKey(id), part] as const;

const enc = encodeURIComponent;
const profilePath = (id: string, rest = '') => `/api/v1/profiles/${enc(id)}${rest}`;

/** One page of the customer list; an identifier lookup answers in one page. */
export function useProfileList(mode: SearchMode, term: string, cursor: string | undefined) {
  const query =
    term === ''
      ? { limit: LIST_LIMIT, cursor }
      : mode === 'q'
        ? { q: term, limit: LIST_LIMIT, cursor }
        : { [mode]: term };
  return useQuery({
    queryKey: ['customers', 'list', query],
    queryFn: () => get<Page<Profile>>('/api/v1/profiles', query),
    placeholderData: keepPreviousData,
  });
}

export const useProfile = (id: string) =>
  useQuery({ queryKey: profileKey(id), queryFn: () => get<Profile>(profilePath(id)) });

export const useConsent = (id: string) =>
  useQuery({
    queryKey: partKey(id, 'consent'),
    queryFn: () => get<ConsentView>(profilePath(id, '/consent')),
  });

/** The explanation, or null while the profile has none (no order, or no fit since). */
export const useExplanation = (id: string) =>
  useQuery({
    queryKey: partKey(id, 'explain'),
    queryFn: async () => {
      try {
        return await get<PredictionExplanation>(profilePath(id, '/predictions/explain'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });

export const useRecommendations = (id: string) =>
  useQuery({
    queryKey: partKey(id, 'recommendations'),
    queryFn: () =>
      get<{ data: RecommendationItem[] }>(profilePath(id, '/recommendations'), { limit: 10 }),
  });

/** Due items (soonest first) or lapsed ones, a page at a time. */
export const useReplenishment = (id: string, list: 'due' | 'lapsed') =>
  useInfiniteQuery({
    queryKey: partKey(id, `replenishment-${list}`),
    queryFn: ({ pageParam }) =>
      get<ReplenishmentPage>(profilePath(id, '/replenishment'), {
        list,
        limit: REPLENISHMENT_LIMIT,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
const REPLENISHMENT_LIMIT = 20;

export const useProfileSegments = (id: string) =>
  useQuery({
    queryKey: partKey(id, 'segments'),
    queryFn: () => get<{ data: SegmentMembership[] }>(profilePath(id, '/segments')),
  });

export const useEnrollments = (id: string) =>
  useQuery({
    queryKey: partKey(id, 'journeys'),
    queryFn: () => get<{ data: Enrollment[] }>(profilePath(id, '/journeys')),
  });

export const useTrace = (enrollmentId: string) =>
  useQuery({
    queryKey: ['customers', 'trace', enrollmentId],
    queryFn: () => get<EnrollmentTrace>(`/api/v1/enrollments/${enc(enrollmentId)}/trace`),
  });

export const useOrders = (id: string) =>
  useQuery({
    queryKey: partKey(id, 'orders'),
    queryFn: () => get<{ data: Order[] }>(profilePath(id, '/orders')),
  });

export const useMessage = (messageId: string) =>
  useQuery({
    queryKey: ['customers', 'message', messageId],
    queryFn: () => get<MessageDetail>(`/api/v1/messages/${enc(messageId)}`),
  });

/** Newest first, a page at a time ("show more"), never the whole history at once. */
export const useProfileMessages = (id: string) =>
  useInfiniteQuery({
    queryKey: partKey(id, 'messages'),
    queryFn: ({ pageParam }) =>
      get<Page<MessageView>>(profilePath(id, '/messages'), {
        limit: MESSAGES_LIMIT,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const useProfileEvents = (id: string) =>
  useInfiniteQuery({
    queryKey: partKey(id, 'events'),
    queryFn: ({ pageParam }) =>
      get<Page<StoredEvent>>(profilePath(id, '/events'), {
        limit: EVENTS_LIMIT,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
