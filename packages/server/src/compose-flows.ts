import type { Context } from 'liquidjs';
import { FlowService, flowLibrary } from './modules/flows/index.js';
import { recommendationsFilter, type RecommendationSource } from './modules/insights/index.js';
import type { JourneyService, JourneySettingsStore } from './modules/journeys/index.js';
import { renderSettingsOf, type TemplateService } from './modules/messaging/index.js';
import type { CustomFieldRegistry } from './modules/profiles/index.js';
import type { SegmentService } from './modules/segments/index.js';
import type { Clock } from './platform/clock.js';

/**
 * `{% assign picks = profile | recommendations: "also_bought", 4 %}` in every template: the
 * filter reads the workspace of the render (templates are compiled once for all workspaces),
 * and a render with no workspace (a bare preview) gets no picks. Without a source (a CLI that
 * only saves templates) the filter exists so templates that use it compile, and picks nothing.
 */
export function registerRecommendationsFilter(
  templates: TemplateService,
  source: RecommendationSource | null,
): void {
  templates.registerFilter(
    'recommendations',
    function (this: { context: Context }, ...args: unknown[]) {
      const workspaceId = renderSettingsOf(this.context).workspaceId;
      if (workspaceId === null || source === null) return [];
      return recommendationsFilter(source, workspaceId)(args[0], args[1], args[2]);
    },
  );
}

export function composeFlows(d: {
  templates: TemplateService;
  journeys: JourneyService;
  segments: SegmentService;
  customFields: CustomFieldRegistry;
  settings: JourneySettingsStore;
  clock: Clock;
}): FlowService {
  return new FlowService({ library: flowLibrary, ...d });
}
