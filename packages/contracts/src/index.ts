export * from './errors.js';
export * from './tracking.js';
export * from './profiles.js';
export * from './catalog.js';
export * from './orders.js';
export * from './imports.js';
export * from './customer-value.js';
export * from './recommendations.js';
