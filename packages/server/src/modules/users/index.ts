/**
 * Dashboard users: people who sign in with an email and a password (scrypt-hashed) and act in
 * the workspaces they belong to as owner, editor or viewer; their sessions (cookie token
 * stored hashed, CSRF token, idle and absolute expiry); the sign-in throttle; and the first
 * owner a new instance gets. Which role may do what is the HTTP layer's (http/session-auth.ts).
 */
export {
  UserStore,
  type Account,
  type AddedMember,
  type Member,
  type NewMember,
  type OwnerGuard,
} from './user-store.js';
export {
  SESSION_CACHE_TTL_MS,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
  SessionStore,
  type ActiveSession,
} from './session-store.js';
export { LOGIN_FAILURE_LIMIT, LOGIN_WINDOW_MS, LoginThrottle } from './login-throttle.js';
export { ensureFirstOwner, type CreatedOwner } from './first-owner.js';
export { generatePassword, hashPassword, verifyPassword } from './password-hash.js';
