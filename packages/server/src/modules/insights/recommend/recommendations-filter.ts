import {
  recommendationStrategies,
  type RecommendationItem,
  type RecommendationStrategy,
} from '@comeback/contracts';

/**
 * The `recommendations` Liquid filter for message templates. There is no template engine yet;
 * the templates module registers it with liquidjs (whose filters may return promises):
 *
 *     engine.registerFilter('recommendations', recommendationsFilter(service, workspaceId));
 *
 * and a template uses it on the profile (or a profile id):
 *
 *     {% assign picks = profile | recommendations: "also_bought", 4 %}
 *     {% for p in picks %}<a href="{{ p.url }}">{{ p.title }}</a> ({{ p.reason }}){% endfor %}
 *
 * Arguments: the strategy (default `blend`; an unknown name falls back to `blend`) and the
 * number of products (default 4, at most 50). A template must render even when nothing can be
 * recommended, so an unknown profile gives an empty list (use `{% if picks.size > 0 %}` for a
 * fallback); a database failure still throws, so the send is retried rather than sent empty.
 */
export interface RecommendationSource {
  forProfile(
    workspaceId: string,
    profileId: string,
    strategy: RecommendationStrategy,
    limit: number,
  ): Promise<{ ok: true; value: RecommendationItem[] } | { ok: false }>;
}

export const DEFAULT_FILTER_LIMIT = 4;

export function recommendationsFilter(source: RecommendationSource, workspaceId: string) {
  return async (
    profile: unknown,
    strategy?: unknown,
    limit?: unknown,
  ): Promise<RecommendationItem[]> => {
    const id =
      typeof profile === 'string'
        ? profile
        : typeof profile === 'object' && profile !== null && 'id' in profile
          ? profile.id
          : null;
    if (typeof id !== 'string' || id === '') return [];
    const chosen = recommendationStrategies.find((s) => s === strategy) ?? 'blend';
    const n = typeof limit === 'number' ? limit : Number(limit ?? DEFAULT_FILTER_LIMIT);
    const count = Number.isFinite(n)
      ? Math.min(50, Math.max(1, Math.floor(n)))
      : DEFAULT_FILTER_LIMIT;
    const result = await source.forProfile(workspaceId, id, chosen, count);
    return result.ok ? result.value : [];
  };
}
