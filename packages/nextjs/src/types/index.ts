// @gatehouse/nextjs/types: Clerk's type names as apps import them from `@clerk/types`, `@clerk/shared/types` or `@clerk/nextjs/types`, mapped to Gatehouse's.
//
// The global interfaces apps augment in globals.d.ts (`CustomJwtSessionClaims`, `UserPublicMetadata`,
// `UserPrivateMetadata`, `UserUnsafeMetadata`, `OrganizationPublicMetadata`, ...) are declared by
// Gatehouse's types (loaded with any entry point), with Clerk's names and shapes.

import type { SetActiveParams, SignOutOptions } from '../client/provider.js';
import type { useSession, useUser } from '../client/use-auth.js';

export type {
  ClientUser as UserResource,
  ClientSession as SessionResource,
  ClientSession as SignedInSessionResource,
  ClientSession as ActiveSessionResource,
  GatehouseProviderProps as ClerkProviderProps,
  GatehouseProviderProps as NextClerkProviderProps,
  SetActiveParams,
  SignOutOptions,
  UseAuthReturn,
  UpdateUserParams,
  SetProfileImageParams,
  Organization as OrganizationResource,
  OrganizationMembership as OrganizationMembershipResource,
  UserOrganizationMembership,
  OrganizationInvitation as OrganizationInvitationResource,
  AuthFormProps as SignInProps,
  AuthFormProps as SignUpProps,
  UserButtonProps,
  UserProfileProps,
  OrganizationSwitcherProps,
  OrganizationProfileProps,
  OrganizationListProps,
  CreateOrganizationProps,
  SignInButtonProps,
  SignUpButtonProps,
  ProtectProps,
  ShowProps,
  GetTokenOptions,
} from '../client/index.js';
export type { Appearance, Theme } from '../client/appearance/types.js';
export type { LocalizationResource } from '../localizations/merge.js';
export type {
  SessionClaims as JwtPayload,
  ActorClaim as ActClaim,
  OrganizationClaim as OrganizationsJwtClaim,
  EmailAddress as EmailAddressResource,
  AuthObject,
  SignedInAuthObject,
  SignedOutAuthObject,
  CheckAuthorizationParams,
  CheckAuthorizationParams as CheckAuthorizationParamsWithCustomPermissions,
  HasFunction as CheckAuthorization,
  GetToken,
  ReverificationConfig,
} from '@gatehouse/core';
export type { ExternalAccount as ExternalAccountResource } from '@gatehouse/server';
export type {
  GatehouseMiddlewareOptions as ClerkMiddlewareOptions,
  MiddlewareAuth as ClerkMiddlewareAuth,
  MiddlewareAuthObject as ClerkMiddlewareSessionAuthObject,
} from '../server/middleware-core.js';

/** The session's status as the token and `useAuth()` see it. */
export type SessionStatusClaim = 'active' | 'pending';
/** Roles are `org:<name>` strings (`org:admin`, `org:member`, custom ones). */
export type OrganizationCustomRoleKey = string;
export type OrganizationCustomPermissionKey = string;
export type MembershipRole = string;
/** `setActive()` as `useClerk()` and `useOrganizationList()` return it. */
export type SetActive = (params: SetActiveParams) => Promise<void>;
export type SignOut = (options?: SignOutOptions) => Promise<void>;
/** What the user's own hooks return while loading, signed out, and signed in. */
export type UseUserReturn = ReturnType<typeof useUser>;
export type UseSessionReturn = ReturnType<typeof useSession>;
