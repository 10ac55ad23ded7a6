// Who a provider sign-in is: the external account, the linking rule (verified email only), new users, and the user's external accounts.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import { requireFresh } from '../factors/factor-checks.js';
import { insertNewUser, normalizeEmail } from '../users/users.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';
import type { ExternalAccountRow } from './oauth-queries.js';
import { OauthFlowError, type ProviderProfile } from './provider-client.js';
import { strategyOf } from './presets.js';
import type { Connection } from './connections.js';

/** An external account in Clerk's backend shape (`user.externalAccounts[]`). */
export interface ExternalAccount {
  object: 'external_account';
  id: string;
  /** `oauth_google`, `oauth_github`, `oauth_custom_<id>`, or `enterprise_sso` for an organization's provider. */
  provider: string;
  identificationId: string;
  externalId: string;
  providerUserId: string;
  approvedScopes: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  imageUrl: string;
  username: string | null;
  publicMetadata: Record<string, unknown>;
  label: string | null;
  verification: { status: 'verified' | 'unverified'; strategy: string };
  createdAt: number;
  updatedAt: number;
}

export function toExternalAccount(
  row: ExternalAccountRow,
  connection?: Pick<Connection, 'id' | 'preset' | 'organizationId'> | null,
): ExternalAccount {
  const provider = connection ? (connection.organizationId ? 'enterprise_sso' : strategyOf(connection)) : `oauth_custom_${row.provider}`;
  return {
    object: 'external_account',
    id: row.id,
    provider,
    identificationId: `idn_${row.id.slice('eac_'.length)}`,
    externalId: row.subject,
    providerUserId: row.subject,
    approvedScopes: '',
    emailAddress: row.email ?? '',
    firstName: row.first_name ?? '',
    lastName: row.last_name ?? '',
    imageUrl: row.image_url ?? '',
    username: row.username,
    publicMetadata: {},
    label: row.provider,
    verification: { status: 'verified', strategy: provider },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The user who owns `email` as a verified address (any of theirs, not only the primary one), or null. */
async function verifiedAddressOwner(tx: Store, email: string): Promise<UserRow | null> {
  const address = await tx.findEmailAddress(email);
  return address && address.verified === 1 ? tx.findUserById(address.user_id) : null;
}

export interface Resolution {
  user: UserRow;
  /** `sign_up`: the user was created by this flow; `linked`: an existing user got this provider; `sign_in`: a known external account. */
  outcome: 'sign_up' | 'linked' | 'sign_in';
}

function profileColumns(profile: ProviderProfile, at: number) {
  return {
    email: profile.email ? normalizeEmail(profile.email) : null,
    email_verified: profile.emailVerified ? 1 : 0,
    first_name: profile.firstName,
    last_name: profile.lastName,
    image_url: profile.imageUrl,
    username: profile.username,
    updated_at: at,
  };
}

/**
 * Decides who signs in, inside the caller's transaction: a known external account signs its user in;
 * otherwise a verified provider email links to the user who has that address verified, or signs up a
 * new user with it. An unverified (or missing) provider email never links and never signs up: an
 * attacker could otherwise claim someone else's address at a provider that does not check it.
 * With `linkTo`, the signed-in user connects the provider account to their own account.
 * @throws OauthFlowError `oauth_email_unverified`, `oauth_account_exists`, `oauth_account_in_use`, `oauth_user_banned`
 */
export async function resolveAccount(
  tx: Store,
  connection: Connection,
  profile: ProviderProfile,
  ctx: RequestContext,
  at: number,
  linkTo: string | null,
): Promise<Resolution> {
  const known = await tx.findExternalAccount(connection.id, profile.subject);
  const columns = profileColumns(profile, at);
  if (known) {
    if (linkTo && known.user_id !== linkTo)
      throw new OauthFlowError('oauth_account_in_use', 'the provider account belongs to another user');
    const user = await tx.findUserById(known.user_id);
    if (!user) throw new OauthFlowError('oauth_account_in_use', 'the external account has no user');
    if (user.banned === 1) throw new OauthFlowError('oauth_user_banned', 'the user is banned');
    await tx.updateExternalAccount(known.id, columns);
    return { user, outcome: 'sign_in' };
  }
  const attach = async (user: UserRow, outcome: Resolution['outcome']): Promise<Resolution> => {
    await tx.insertExternalAccount({
      id: newId('eac'),
      user_id: user.id,
      provider: connection.id,
      subject: profile.subject,
      ...columns,
      created_at: at,
    });
    await tx.appendAudit({
      at,
      action: 'external_account.created',
      actor_id: user.id,
      subject_id: user.id,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: JSON.stringify({ provider: connection.id, outcome }),
    });
    return { user, outcome };
  };
  if (linkTo) {
    const user = await tx.findUserById(linkTo);
    if (!user || user.banned === 1) throw new OauthFlowError('oauth_user_banned', 'the signed-in user can no longer sign in');
    return attach(user, 'linked');
  }
  const email = columns.email;
  if (!email || !profile.emailVerified) {
    throw new OauthFlowError(
      'oauth_email_unverified',
      email ? 'the provider did not verify the email address' : 'the provider gave no email address',
    );
  }
  const owner = await verifiedAddressOwner(tx, email);
  if (owner) {
    if (owner.banned === 1) throw new OauthFlowError('oauth_user_banned', 'the user is banned');
    return attach(owner, 'linked');
  }
  // The address exists but was never verified here: whoever created it may not own it, and the
  // provider's owner must not inherit (or be handed) that account. They sign in with the password
  // and connect the provider from their profile instead.
  if ((await tx.findEmailAddress(email)) || (await tx.findUserByEmail(email))) {
    throw new OauthFlowError('oauth_account_exists', 'an unverified address of an account is this email address');
  }
  // The provider verified the address: so is the account's.
  const names = { firstName: profile.firstName, lastName: profile.lastName };
  const created = await insertNewUser(tx, { email, passwordHash: null, ...names, verified: true }, ctx, at, 'sign_up');
  if (profile.imageUrl) await tx.updateUser(created.id, { image_url: profile.imageUrl, updated_at: at });
  return attach({ ...created, image_url: profile.imageUrl ?? created.image_url }, 'sign_up');
}

/**
 * Removes one of a user's external accounts. The last way to sign in cannot go: a user without a
 * password keeps at least one external account. When the user asks through their session
 * (`session`), it must have verified recently: a stolen session must not cut the owner's sign-in.
 * @throws GatehouseError `not_found`, `conflict` (the last sign-in method), `reverification_required`
 */
export async function removeExternalAccount(
  store: Store,
  userId: string,
  accountId: string,
  ctx: RequestContext,
  at: number,
  session: { userId: string; sessionId: string } | null = null,
): Promise<void> {
  await store.transaction(async (tx) => {
    if (session) await requireFresh(tx, session, at);
    const account = await tx.findExternalAccountById(accountId);
    if (!account || account.user_id !== userId) throw new GatehouseError('not_found', 'No such external account.');
    const user = await tx.findUserById(userId);
    const others = (await tx.listExternalAccounts(userId)).filter((a) => a.id !== accountId);
    if (!user?.password_hash && others.length === 0) {
      throw new GatehouseError(
        'conflict',
        'This is the last way to sign in to this account: set a password or connect another provider first.',
      );
    }
    await tx.deleteExternalAccount(accountId);
    await tx.appendAudit({
      at,
      action: 'external_account.deleted',
      actor_id: ctx.ip === null && ctx.userAgent === null ? null : userId,
      subject_id: userId,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: JSON.stringify({ provider: account.provider, externalAccount: accountId }),
    });
  });
}
