// Who must have a second factor: every user when the instance requires one, and a member while an organization that requires one is their session's active org.

import type { Store } from '../store/types.js';
import { hasSecondFactorOf } from './verification-age.js';

/** Whether a session acting in `organizationId` (null: the personal account) needs a second factor. */
export async function secondFactorRequiredFor(tx: Store, instanceRequired: boolean, organizationId: string | null): Promise<boolean> {
  if (instanceRequired) return true;
  if (!organizationId) return false;
  const org = await tx.findOrganization(organizationId);
  return Number(org?.second_factor_required ?? 0) === 1;
}

/**
 * Whether a session of this user in this organization is held pending (the `setup-mfa` task): the
 * instance or the organization requires a second factor the user has not added yet. Pending tokens
 * count as signed out, so the organization's context is refused until the user adds one.
 */
export async function needsSecondFactorSetup(
  tx: Store,
  instanceRequired: boolean,
  session: { userId: string; organizationId: string | null },
): Promise<boolean> {
  return (await secondFactorRequiredFor(tx, instanceRequired, session.organizationId)) && !(await hasSecondFactorOf(tx, session.userId));
}
