/** Dashboard users, their workspaces and their sessions (migration 024). */

export interface UserTable {
  id: string;
  /** Lower-cased: one account per address whatever its spelling. */
  email: string;
  name: string | null;
  locale: string;
  /** `scrypt$N$r$p$salt$hash` (base64url parts). */
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
}
export interface UserWorkspaceTable {
  user_id: string;
  workspace_id: string;
  role: 'owner' | 'editor' | 'viewer';
  created_at: number;
}
export interface SessionTable {
  /** SHA-256 (hex) of the cookie's token: the token itself is never stored. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  /** The absolute end, 7 days after sign-in; idle sessions end earlier (last_seen_at). */
  expires_at: number;
  last_seen_at: number;
}
