import type { Journey, JourneyDefinition, JourneyStats, JourneySummary } from '@comeback/contracts';
import { get } from '../../../api/client';

/**
 * The journeys area's reads and their query keys. Every key starts with 'journeys', so a
 * change anywhere (activate, enable a flow) refreshes the area with one invalidation of
 * ['journeys'].
 */
export const journeyKeys = {
  all: ['journeys'] as const,
  list: ['journeys', 'list'] as const,
  one: (id: string) => ['journeys', id] as const,
  stats: (id: string) => ['journeys', id, 'stats'] as const,
  summaries: ['journeys', 'summaries'] as const,
  versions: (id: string) => ['journeys', id, 'versions'] as const,
  flows: ['journeys', 'flow-library'] as const,
  flow: (id: string) => ['journeys', 'flow-library', id] as const,
};

export interface JourneyVersion {
  version: number;
  activatedAt: string;
  definition: JourneyDefinition;
}

export const journeyPath = (id: string) => `/api/v1/journeys/${encodeURIComponent(id)}`;

export const fetchJourneys = async () => (await get<{ data: Journey[] }>('/api/v1/journeys')).data;
export const fetchJourney = (id: string) => get<Journey>(journeyPath(id));
export const fetchJourneyStats = (id: string) => get<JourneyStats>(`${journeyPath(id)}/stats`);
export const fetchJourneySummaries = async () =>
  new Map(
    (await get<{ data: JourneySummary[] }>('/api/v1/journey-stats')).data.map((s) => [
      s.journeyId,
      s,
    ]),
  );
export const fetchJourneyVersions = async (id: string) =>
  (await get<{ data: JourneyVersion[] }>(`${journeyPath(id)}/versions`)).data;
