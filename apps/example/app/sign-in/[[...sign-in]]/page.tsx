import { SignIn } from '@gatehouse/nextjs';

export default function SignInPage() {
  return <SignIn fallbackRedirectUrl="/dashboard" />;
}
