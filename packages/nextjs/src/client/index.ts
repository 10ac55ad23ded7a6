'use client';
// @gatehouse/nextjs: the provider, hooks and components for the browser (Clerk's names kept as aliases).
// Components hide UI only; the guard is auth() / auth.protect() on the server.

export {
  GatehouseProvider,
  ClerkProvider,
  useGatehouse,
  useGatehouseFetch,
  type GatehouseProviderProps,
  type GatehouseContextValue,
  type ClientSession,
  type ClientUser,
  type OrganizationRef,
  type SetActiveParams,
  type SignOutOptions,
} from './provider.js';
export { createGatehouseFetch, type FetchLike, type GatehouseFetchOptions } from './gatehouse-fetch.js';
export { useAuth, useUser, useSession, type GetTokenOptions, type UseAuthOptions, type UseAuthReturn } from './use-auth.js';
export { useSessionList, type SessionSummary, type UseSessionListReturn } from './use-session-list.js';
export {
  useOrganization,
  type OrganizationInvitation,
  type OrganizationMember,
  type OrganizationMembership,
  type UseOrganizationParams,
  type UseOrganizationReturn,
} from './use-organization.js';
export {
  useOrganizationList,
  type CreateOrganizationParams,
  type Organization,
  type UseOrganizationListReturn,
  type UserOrganizationMembership,
} from './use-organization-list.js';
export type { Resource } from './use-resource.js';
export { Show, SignedIn, SignedOut, Protect, type ShowProps, type ShowWhen, type ProtectProps } from './show.js';
export { SignIn, SignUp, SignOutButton, type AuthFormProps } from './forms.js';
export { AuthenticateWithRedirectCallback, type AuthenticateWithRedirectParams, type OauthConnectionSummary } from './oauth.js';
export {
  useSignIn,
  useSignUp,
  type GatehouseApiError,
  type SignInResource,
  type SignInStatus,
  type SignUpResource,
  type SignUpStatus,
} from './sign-flows.js';
export { UserButton, type UserButtonProps } from './user-button.js';
export { UserProfile, type UserProfileProps } from './user-profile.js';
export {
  useReverification,
  isReverificationCancelledError,
  type NeedsReverificationParameters,
  type UseReverificationOptions,
} from './use-reverification.js';
export type { SecondFactorParams, SignInComplete } from './sign-in-factors.js';
export { SessionList, type SessionListProps } from './session-list.js';
export { OrganizationSwitcher, type OrganizationSwitcherProps } from './organization-switcher.js';
export { CreateOrganization, type CreateOrganizationProps } from './create-organization.js';
export { OrganizationList, type OrganizationListProps } from './organization-list.js';
export { OrganizationProfile, type OrganizationProfileProps } from './organization-profile.js';
export type { RoleOption } from './organization-members.js';
export { ImpersonationBanner, type ImpersonationBannerProps } from './impersonation-banner.js';
export { useAPIKeys, type ApiKey, type CreateAPIKeyParams, type UseAPIKeysParams, type UseAPIKeysReturn } from './use-api-keys.js';
export { APIKeys, type APIKeysProps } from './api-keys.js';
export { InviteMembersButton, type InviteMembersButtonProps } from './invite-members-button.js';
export type { NavigationUrls } from './provider.js';
export type { UpdateUserParams, SetProfileImageParams } from './resources.js';
export {
  ClerkLoaded,
  ClerkLoading,
  ClerkDegraded,
  ClerkFailed,
  RedirectToSignIn,
  RedirectToSignUp,
  RedirectToUserProfile,
  RedirectToOrganizationProfile,
  RedirectToCreateOrganization,
  SignInButton,
  SignUpButton,
  UserAvatar,
  useClerk,
  type SignInButtonProps,
  type SignUpButtonProps,
  type UseClerkReturn,
} from './control.js';
