/**
 * Workspaces (one per store), their API keys (write keys for tracking, admin keys for the API;
 * stored hashed, shown once, listed by prefix, revocable) and the instance secret (kept out of
 * the database, in COMEBACK_SECRET or the data directory's secret file).
 */
export {
  generateKey,
  hashKey,
  insertKey,
  listKeys,
  revokeKey,
  type CreatedKey,
  type KeyInfo,
  type KeyOrigin,
  type KeyScope,
  type Principal,
  type PrincipalUser,
  type Revoked,
} from './api-keys.js';
export { KEY_CACHE_TTL_MS, KEY_USE_WRITE_INTERVAL_MS, KeyResolver } from './key-resolver.js';
export { InstanceSecretProblem, type InstanceSecret } from './instance-secret.js';
export {
  DEFAULT_WORKSPACE_ID,
  bootstrapWorkspace,
  ensureWorkspace,
  type Bootstrap,
} from './workspace-setup.js';
