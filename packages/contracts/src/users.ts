import { z } from 'zod';
import { storableText } from './errors.js';

/**
 * Dashboard users: people (not scripts) who sign in with an email and a password and act in
 * the workspaces they belong to with a role. Scripts keep using API keys; a session is an
 * admin principal limited by its role:
 * - owner: everything, including keys, users and workspace settings;
 * - editor: everything except keys and users;
 * - viewer: reads only (and read-only previews: segment size, template preview, backtest).
 */
export const userRoles = ['owner', 'editor', 'viewer'] as const;
export const userRoleSchema = z.enum(userRoles);
export type UserRole = z.infer<typeof userRoleSchema>;

/** The dashboard's languages; the layout mirrors right-to-left for Hebrew. */
export const uiLocales = ['en', 'he'] as const;
export const uiLocaleSchema = z.enum(uiLocales);
export type UiLocale = z.infer<typeof uiLocaleSchema>;

/**
 * An address, or `name@localhost`: the owner a first start creates is `owner@localhost` unless
 * COMEBACK_OWNER_EMAIL names another, and must be able to sign in.
 */
const emailOrLocal = new RegExp(`${z.regexes.email.source}|^[A-Za-z0-9._%+-]+@localhost$`);
export const userEmailSchema = z
  .email({ pattern: emailOrLocal, message: 'must be an email address' })
  .max(254)
  .transform((e) => e.toLowerCase());
/** Long enough that a guessed or leaked short one does not open a store's customer data. */
export const userPasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');

/** POST /api/v1/session: sign in; sets the HttpOnly session cookie. */
export const loginRequestSchema = z.strictObject({
  email: userEmailSchema,
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.input<typeof loginRequestSchema>;

export const workspaceMembershipSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: userRoleSchema,
  /** The store's currency (ISO 4217), for showing its money. */
  currency: z.string(),
});
export type WorkspaceMembership = z.infer<typeof workspaceMembershipSchema>;

/**
 * GET/POST /api/v1/session: who is signed in, where, and the CSRF token every unsafe request
 * of this session must echo in `X-CSRF-Token`. The dashboard names the workspace it acts in
 * with `X-Comeback-Workspace` (default: the first membership).
 */
export const sessionInfoSchema = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    locale: uiLocaleSchema,
  }),
  workspaces: z.array(workspaceMembershipSchema),
  csrfToken: z.string(),
  expiresAt: z.string(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** PATCH /api/v1/session: the signed-in user's own preferences. */
export const updateSessionUserSchema = z.strictObject({
  locale: uiLocaleSchema.optional(),
  name: storableText().max(200).nullable().optional(),
});

/** POST /api/v1/users (owner): a user joins this workspace with a role. */
export const createUserRequestSchema = z.strictObject({
  email: userEmailSchema,
  name: storableText().max(200).optional(),
  role: userRoleSchema,
  locale: uiLocaleSchema.default('en'),
  /** Omitted: one is generated and returned once. */
  password: userPasswordSchema.optional(),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** PATCH /api/v1/users/{id} (owner): change a member's role. */
export const updateUserRequestSchema = z.strictObject({ role: userRoleSchema });

export const userInfoSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  locale: uiLocaleSchema,
  role: userRoleSchema,
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type UserInfo = z.infer<typeof userInfoSchema>;

export const createdUserSchema = userInfoSchema.extend({
  /** Present only when the server generated the password: shown once. */
  password: z.string().optional(),
});
