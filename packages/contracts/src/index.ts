export * from './errors.js';
export * from './tracking.js';
export * from './profiles.js';
