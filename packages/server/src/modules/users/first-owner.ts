import type { UserStore } from './user-store.js';

export interface CreatedOwner {
  email: string;
  workspaceId: string;
  /** The generated password, shown once; null when the operator gave one. */
  generatedPassword: string | null;
}

/**
 * A first start gives the dashboard an owner, as it gives the API its keys: when the instance
 * has no user at all, `email` becomes the owner of the workspace with the given password or a
 * generated one (printed once by the caller). Later starts change nothing.
 */
export async function ensureFirstOwner(
  users: UserStore,
  opts: { workspaceId: string; email: string; password?: string | undefined },
): Promise<CreatedOwner | null> {
  if ((await users.count()) > 0) return null;
  const added = await users.addMember(opts.workspaceId, {
    email: opts.email,
    role: 'owner',
    ...(opts.password !== undefined ? { password: opts.password } : {}),
  });
  // Two processes starting at once: the other one created it.
  if (!added.ok) return null;
  return {
    email: added.value.member.email,
    workspaceId: opts.workspaceId,
    generatedPassword: added.value.generatedPassword ?? null,
  };
}
