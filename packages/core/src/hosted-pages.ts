// Where the hosted pages live below the auth API's mount point (served by @gatehouse/server, linked by the SDK).

/** The hosted pages' paths below the mount point; the SDK's defaults point here when the app configures no URL. */
export const HOSTED_PAGES = {
  signIn: '/pages/sign-in',
  signUp: '/pages/sign-up',
  forgotPassword: '/pages/forgot-password',
  userProfile: '/pages/user',
  organization: '/pages/organization',
  createOrganization: '/pages/create-organization',
} as const;

/** The hosted page `page` under the mount point `apiBasePath` (e.g. `/api/gatehouse/pages/sign-in`). */
export function hostedPageUrl(page: keyof typeof HOSTED_PAGES, apiBasePath: string): string {
  return `${apiBasePath.replace(/\/+$/, '')}${HOSTED_PAGES[page]}`;
}
