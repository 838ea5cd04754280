/**
 * Workspaces (one per store) and their API keys: write keys for tracking, admin keys for the
 * API. Keys are stored hashed and shown once.
 */
export {
  KeyResolver,
  generateKey,
  hashKey,
  insertKey,
  type CreatedKey,
  type KeyScope,
  type Principal,
} from './api-keys.js';
export {
  DEFAULT_WORKSPACE_ID,
  bootstrapWorkspace,
  ensureWorkspace,
  type Bootstrap,
} from './workspace-setup.js';
