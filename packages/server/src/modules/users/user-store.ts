import { randomBytes } from 'node:crypto';
import {
  uiLocales,
  type UiLocale,
  type UserRole,
  type WorkspaceMembership,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database, Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { oneOf } from '../../platform/json.js';
import {
  dummyPasswordHash,
  generatePassword,
  hashPassword,
  verifyPassword,
} from './password-hash.js';

/** A person's account, whatever workspaces they are in. */
export interface Account {
  id: string;
  email: string;
  name: string | null;
  locale: UiLocale;
  createdAt: number;
  lastLoginAt: number | null;
}

/** An account as a member of one workspace. */
export interface Member extends Account {
  workspaceId: string;
  role: UserRole;
}

export interface NewMember {
  /** Lower-cased by the caller's schema (contracts' userEmailSchema); lower-cased again here. */
  email: string;
  name?: string | null;
  locale?: UiLocale;
  role: UserRole;
  /** Omitted: one is generated and returned once (only for a new account). */
  password?: string;
}

export interface AddedMember {
  member: Member;
  /** The generated password of a new account: shown once, stored only hashed. */
  generatedPassword?: string;
  /** False when an existing account (same email) joined: it keeps its password. */
  newAccount: boolean;
}

/** `keepOneOwner`: the API never leaves a workspace without an owner; the CLI may. */
export interface OwnerGuard {
  keepOneOwner: boolean;
}

const localeOf = (text: string): UiLocale => oneOf(uiLocales, text) ?? 'en';
const newUserId = () => `usr_${randomBytes(10).toString('hex')}`;

const ACCOUNT_COLUMNS = [
  'users.id',
  'users.email',
  'users.name',
  'users.locale',
  'users.created_at',
  'users.last_login_at',
] as const;

interface AccountRow {
  id: string;
  email: string;
  name: string | null;
  locale: string;
  created_at: number;
  last_login_at: number | null;
}
const accountOf = (r: AccountRow): Account => ({
  id: r.id,
  email: r.email,
  name: r.name,
  locale: localeOf(r.locale),
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
});

/** Dashboard users and their memberships; passwords only ever enter and leave hashed. */
export class UserStore {
  readonly #database: Database;
  readonly #clock: Clock;

  constructor(database: Database, clock: Clock) {
    this.#database = database;
    this.#clock = clock;
  }

  get #db(): Db {
    return this.#database.db;
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Members of one workspace (or of every workspace), oldest membership first. */
  async list(workspaceId?: string, db: Db = this.#db): Promise<Member[]> {
    const rows = await db
      .selectFrom('user_workspaces')
      .innerJoin('users', 'users.id', 'user_workspaces.user_id')
      .select([...ACCOUNT_COLUMNS, 'user_workspaces.workspace_id', 'user_workspaces.role'])
      .$if(workspaceId !== undefined, (q) =>
        q.where('user_workspaces.workspace_id', '=', workspaceId ?? ''),
      )
      .orderBy('user_workspaces.workspace_id')
      .orderBy('user_workspaces.created_at')
      .orderBy('users.email')
      .execute();
    return rows.map((r) => ({ ...accountOf(r), workspaceId: r.workspace_id, role: r.role }));
  }

  async member(workspaceId: string, userId: string, db: Db = this.#db): Promise<Member | null> {
    const row = await db
      .selectFrom('user_workspaces')
      .innerJoin('users', 'users.id', 'user_workspaces.user_id')
      .select([...ACCOUNT_COLUMNS, 'user_workspaces.workspace_id', 'user_workspaces.role'])
      .where('user_workspaces.workspace_id', '=', workspaceId)
      .where('users.id', '=', userId)
      .executeTakeFirst();
    return row ? { ...accountOf(row), workspaceId: row.workspace_id, role: row.role } : null;
  }

  async account(userId: string): Promise<Account | null> {
    const row = await this.#db
      .selectFrom('users')
      .select(ACCOUNT_COLUMNS)
      .where('id', '=', userId)
      .executeTakeFirst();
    return row ? accountOf(row) : null;
  }

  async accountByEmail(email: string): Promise<Account | null> {
    const row = await this.#db
      .selectFrom('users')
      .select(ACCOUNT_COLUMNS)
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? accountOf(row) : null;
  }

  /** The workspaces a user acts in, oldest membership first (the first is the default). */
  async memberships(userId: string): Promise<WorkspaceMembership[]> {
    const rows = await this.#db
      .selectFrom('user_workspaces')
      .innerJoin('workspaces', 'workspaces.id', 'user_workspaces.workspace_id')
      .select(['workspaces.id', 'workspaces.name', 'workspaces.currency', 'user_workspaces.role'])
      .where('user_workspaces.user_id', '=', userId)
      .orderBy('user_workspaces.created_at')
      .orderBy('workspaces.id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, currency: r.currency }));
  }

  /**
   * The account the email and password open, or null. An unknown email is checked against a
   * dummy hash, so it takes as long as a wrong password.
   */
  async verifyCredentials(email: string, password: string): Promise<Account | null> {
    const row = await this.#db
      .selectFrom('users')
      .select([...ACCOUNT_COLUMNS, 'users.password_hash'])
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    const matches = await verifyPassword(
      password,
      row?.password_hash ?? (await dummyPasswordHash()),
    );
    return row && matches ? accountOf(row) : null;
  }

  async recordLogin(userId: string): Promise<void> {
    await this.#db
      .updateTable('users')
      .set({ last_login_at: this.#clock.now() })
      .where('id', '=', userId)
      .execute();
  }

  /**
   * A user joins the workspace: a new account, or an existing one (same email) that keeps its
   * name, locale and password. Conflict when already a member.
   */
  async addMember(workspaceId: string, input: NewMember): Promise<Result<AddedMember>> {
    const email = input.email.toLowerCase();
    const generatedPassword = input.password === undefined ? generatePassword() : undefined;
    // Hashed before the transaction: tens of milliseconds a write lock need not wait for.
    const passwordHash = await hashPassword(input.password ?? generatedPassword ?? '');
    const now = this.#clock.now();
    return this.#db.transaction().execute(async (trx) => {
      const workspace = await trx
        .selectFrom('workspaces')
        .select('id')
        .where('id', '=', workspaceId)
        .executeTakeFirst();
      if (!workspace) {
        return fail('not_found', `no workspace ${workspaceId}`, [
          { field: 'workspace', message: 'not found' },
        ]);
      }
      const existing = await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      const userId = existing?.id ?? newUserId();
      if (existing) {
        if (await this.member(workspaceId, existing.id, trx)) {
          return fail('conflict', `${email} is already a member of this workspace`, [
            { field: 'email', message: 'already a member: change the role with PATCH instead' },
          ]);
        }
      } else {
        await trx
          .insertInto('users')
          .values({
            id: userId,
            email,
            name: input.name ?? null,
            locale: input.locale ?? 'en',
            password_hash: passwordHash,
            created_at: now,
            last_login_at: null,
          })
          .execute();
      }
      await trx
        .insertInto('user_workspaces')
        .values({ user_id: userId, workspace_id: workspaceId, role: input.role, created_at: now })
        .execute();
      const member = await this.member(workspaceId, userId, trx);
      if (!member) throw new Error(`member ${userId} vanished while being added`);
      return ok({
        member,
        newAccount: !existing,
        ...(!existing && generatedPassword !== undefined ? { generatedPassword } : {}),
      });
    });
  }

  /**
   * The owners of `fromWorkspace` become owners of `toWorkspace` too (those already members
   * keep their role): a workspace made for the people running the instance (the demo store)
   * is then browsable by them at once.
   */
  async shareWithOwnersOf(fromWorkspace: string, toWorkspace: string): Promise<number> {
    const owners = await this.#db
      .selectFrom('user_workspaces')
      .select('user_id')
      .where('workspace_id', '=', fromWorkspace)
      .where('role', '=', 'owner')
      .execute();
    if (owners.length === 0) return 0;
    const now = this.#clock.now();
    const added = await this.#db
      .insertInto('user_workspaces')
      .values(
        owners.map((o) => ({
          user_id: o.user_id,
          workspace_id: toWorkspace,
          role: 'owner' as const,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doNothing())
      .executeTakeFirst();
    return Number(added.numInsertedOrUpdatedRows ?? 0);
  }

  /** Changes a member's role; the last owner cannot stop being one (`keepOneOwner`). */
  async setRole(
    workspaceId: string,
    userId: string,
    role: UserRole,
    guard: OwnerGuard,
  ): Promise<Result<Member>> {
    return this.#changeMembership(workspaceId, userId, guard, role !== 'owner', async (trx) => {
      await trx
        .updateTable('user_workspaces')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
    });
  }

  /** Removes a member from the workspace (the account stays, with its other workspaces). */
  async removeMember(workspaceId: string, userId: string, guard: OwnerGuard) {
    return this.#changeMembership(workspaceId, userId, guard, true, async (trx) => {
      await trx
        .deleteFrom('user_workspaces')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
    });
  }

  /** Answers the member as before the change (after it, for a role change). */
  async #changeMembership(
    workspaceId: string,
    userId: string,
    guard: OwnerGuard,
    endsOwnership: boolean,
    change: (trx: Db) => Promise<void>,
  ): Promise<Result<Member>> {
    return this.#db.transaction().execute(async (trx) => {
      const before = await this.member(workspaceId, userId, trx);
      if (!before) {
        return fail('not_found', `no user ${userId} in this workspace`, [
          { field: 'id', message: 'not found' },
        ]);
      }
      // Locked on PostgreSQL so that two owners demoting each other at once cannot both
      // succeed (SQLite's write transaction is exclusive).
      const owners = await trx
        .selectFrom('user_workspaces')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('role', '=', 'owner')
        .$if(this.#database.dialect === 'postgres', (q) => q.forUpdate())
        .execute();
      const lastOwner = before.role === 'owner' && owners.length <= 1;
      if (guard.keepOneOwner && endsOwnership && lastOwner) {
        return fail(
          'conflict',
          'this is the last owner of the workspace: make another member owner first',
          [{ field: 'id', message: 'the last owner must stay an owner' }],
        );
      }
      await change(trx);
      return ok((await this.member(workspaceId, userId, trx)) ?? before);
    });
  }

  async setPassword(userId: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.#db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', userId)
      .execute();
  }

  /** The user's own preferences; `undefined` leaves a field as it is. */
  async updateProfile(
    userId: string,
    changes: { locale?: UiLocale | undefined; name?: string | null | undefined },
  ): Promise<void> {
    const set = {
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
      ...(changes.name !== undefined ? { name: changes.name } : {}),
    };
    if (Object.keys(set).length === 0) return;
    await this.#db.updateTable('users').set(set).where('id', '=', userId).execute();
  }
}
