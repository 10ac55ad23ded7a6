// Where a provider sign-in passes on its way back when the app names it as redirectUrl (Clerk's /sso-callback page).
import { AuthenticateWithRedirectCallback } from '@gatehouse/nextjs';

export default function SsoCallbackPage() {
  return <AuthenticateWithRedirectCallback signInUrl="/sign-in" signInFallbackRedirectUrl="/dashboard" />;
}
