// The session-token claim set (Clerk's v2 format) and the category markers that tell token kinds apart.

import type {} from './globals.js';

/** Header `cat` of a session token (Clerk's value, so Clerk's verifier classifies ours the same). */
export const SESSION_TOKEN_CATEGORY = 'cl_B7d4PD111AAA';
/** Header `cat` of a JWT-template token: never accepted where a session token is expected. */
export const TEMPLATE_TOKEN_CATEGORY = 'cl_B7d4PD222AAA';
/** Header `cat` of a machine-to-machine JWT (Clerk's value): never accepted where a session token is expected. */
export const M2M_TOKEN_CATEGORY = 'cl_B7d4PD333AAA';

export interface OrganizationClaim {
  id: string;
  slg?: string;
  rol?: string;
  per?: string;
  fpm?: string;
}

export interface ActorClaim {
  sub: string;
  iss?: string;
  sid?: string;
  type?: string;
}

/** Clerk's v2 claims and the app's own (typed by augmenting the global `CustomJwtSessionClaims`). */
export interface SessionClaims extends CustomJwtSessionClaims {
  sub: string;
  sid: string;
  iss: string;
  azp?: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  v: 2;
  /** The mint time in milliseconds: orders a token against changes made within the same second. */
  iat_ms?: number;
  fva?: [number, number];
  sts?: 'pending';
  o?: OrganizationClaim;
  act?: ActorClaim;
  fea?: string;
  pla?: string;
  [claim: string]: unknown;
}

/** Claims a template or custom claims may never set: they are the token's identity and lifetime. */
export const RESERVED_SESSION_CLAIMS: readonly string[] = [
  'sub',
  'sid',
  'iss',
  'azp',
  'iat',
  'nbf',
  'exp',
  'jti',
  'v',
  'fva',
  'sts',
  'o',
  'act',
  'fea',
  'pla',
  'aud',
];
