// @gatehouse/core public surface: runtime-agnostic (Web APIs and jose only). Every name is listed:
// what the service, the Next.js glue and apps use, nothing else (core's own tests import its files directly).

export { GatehouseError, isGatehouseError, STATUS_BY_CODE } from './errors.js';
export type { GatehouseErrorCode } from './errors.js';
export { errorResponse, json } from './responses.js';
export { isTokenVerificationError, reasonMessage, TokenVerificationError } from './reasons.js';
export type { AuthReason } from './reasons.js';
export type { CustomSessionClaims } from './globals.js';
export { generatedAvatarUrl } from './avatar.js';
export {
  CLIENT_COOKIE,
  cookieValues,
  parseCookieHeader,
  serializeCookie,
  SESSION_COOKIE,
  singleCookie,
  singleCookieIn,
  singleCookieValue,
} from './cookies.js';
export type { CookieOptions } from './cookies.js';
export { M2M_TOKEN_CATEGORY, RESERVED_SESSION_CLAIMS, SESSION_TOKEN_CATEGORY, TEMPLATE_TOKEN_CATEGORY } from './claims.js';
export type { ActorClaim, OrganizationClaim, SessionClaims } from './claims.js';
export { assertClaimsTemplate, renderClaimsTemplate, templateShortcodes } from './shortcodes.js';
export type { ShortcodeContext, ShortcodeValueFilter } from './shortcodes.js';
export { createLocalKeySet } from './keys.js';
export type { KeyResolver, KeySetOptions, PublicJwk } from './keys.js';
export { ECDSA_SIGNATURE_BYTES, SUPPORTED_ALGORITHMS, webCryptoSignatures } from './signatures.js';
export type { SignatureProvider, VerifyingKey } from './signatures.js';
export { algorithmSet, decodeCompactJws, verifyCompactJws, verifyCompactJwsNow } from './jws.js';
export type { DecodedJws, JwsHeader, JwsVerifyOptions } from './jws.js';
export {
  createSessionTokenVerifier,
  mintM2mToken,
  mintSessionToken,
  mintTemplateToken,
  RESERVED_TEMPLATE_CLAIMS,
} from './session-token.js';
export type { SessionTokenVerifier, SigningKey, VerifyOptions } from './session-token.js';
export { checkAuthorization } from './has.js';
export type {
  AuthorizationSubject,
  CheckAuthorizationParams,
  HasFunction,
  ReverificationConfig,
  ReverificationPreset,
  ScopedList,
} from './has.js';
export { encodeOrgClaims } from './org-claims.js';
export type { ActiveOrganization } from './org-claims.js';
export { signedInAuthObject, signedOutAuthObject } from './auth-object.js';
export type { AuthObject, GetToken, GetTokenOptions, SignedInAuthObject, SignedOutAuthObject } from './auth-object.js';
export {
  acceptsTokenType,
  checkAcceptsToken,
  machineAuthObject,
  narrowAuthObject,
  tokenTypeOf,
  unauthenticatedMachineObject,
} from './machine-auth.js';
export type {
  AcceptsToken,
  AnyAuthObject,
  AuthenticatedMachineObject,
  InvalidTokenAuthObject,
  MachineTokenType,
  TokenType,
  UnauthenticatedMachineObject,
  VerifiedMachine,
} from './machine-auth.js';
export { createParamMatcher, createPathMatcher, normalizePathname } from './route-matcher.js';
export type { PathMatcher, RoutePattern } from './route-matcher.js';
export { authenticateRequest, authenticateRequestNow, authenticateToken, signedInState, signedOut } from './authenticate-request.js';
export type { AuthenticateOptions, RequestState, SignedInState, SignedOutState, TokenSource } from './authenticate-request.js';
export { safeRedirectUrl } from './redirects.js';
export { crossSiteWrite } from './cross-site.js';
export type { CrossSitePolicy, CrossSiteVerdict } from './cross-site.js';
export { createConfigReader } from './backend-config.js';
export type { BackendConfig, ConfigReadOptions } from './backend-config.js';
export { refreshedCookies, refreshOutcome } from './session-refresh.js';
export type { CookieChange, RefreshOutcome, SessionRefresh } from './session-refresh.js';
export { clearedCookies, clientCookie, cookieSettings, requestContext, sessionCookie } from './session-cookies.js';
export type { CookieSettings, RequestContext } from './session-cookies.js';
export { clientAddress, forwardedHostAndProtocol } from './forwarded.js';
export { withClerkUserFields } from './user-fields.js';
export type { ClerkUserFields, EmailAddress, UserRecordFields } from './user-fields.js';
export { createRemoteKeyResolver } from './remote-jwks.js';
export type { RemoteKeyResolver, RemoteKeyResolverOptions } from './remote-jwks.js';
export { isReverificationHint, reverificationError, reverificationErrorResponse } from './reverification.js';
export type { ReverificationHint, ReverificationRequirement } from './reverification.js';
export { HOSTED_PAGES, hostedPageUrl } from './hosted-pages.js';
