/** The flow library: ready journeys and their templates, enabled by name (ADR 0022). */
export {
  FlowService,
  LIBRARY_BUDGET,
  LIBRARY_QUIET_HOURS,
  type FlowServiceDeps,
} from './flow-service.js';
export { flowLibrary } from './library/index.js';
export { resolveParams, defaultParams } from './flow-params.js';
export type { FlowDefinition, FlowParams, FlowParamSpec } from './flow-types.js';
