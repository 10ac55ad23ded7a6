// @gatehouse/core public surface: runtime-agnostic (Web APIs and jose only).

export * from './errors.js';
export * from './reasons.js';
export * from './globals.js';
export * from './avatar.js';
export * from './cookies.js';
export * from './claims.js';
export * from './shortcodes.js';
export * from './keys.js';
export * from './signatures.js';
export * from './jws.js';
export * from './session-token.js';
export * from './has.js';
export * from './org-claims.js';
export * from './auth-object.js';
export * from './machine-auth.js';
export * from './route-matcher.js';
export * from './authenticate-request.js';
export * from './redirects.js';
export * from './cross-site.js';
export * from './backend-config.js';
export * from './session-refresh.js';
export * from './session-cookies.js';
export * from './forwarded.js';
export * from './user-fields.js';
export * from './remote-jwks.js';
export * from './reverification.js';
export { HOSTED_PAGES, hostedPageUrl } from './hosted-pages.js';
