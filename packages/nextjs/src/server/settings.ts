// App-level settings read from the environment, shared by the Node and edge entry points (edge-safe).

export function signInUrl(): string {
  return process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL || '/sign-in';
}

export function signUpUrl(): string {
  return process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_UP_URL || '/sign-up';
}

/** Request header the middleware sets to the path being rendered (used only for return addresses). */
export const PATH_HEADER = 'x-gatehouse-path';

/** Where the Gatehouse route handler is mounted unless configured otherwise. */
export const DEFAULT_API_BASE_PATH = '/api/gatehouse';
