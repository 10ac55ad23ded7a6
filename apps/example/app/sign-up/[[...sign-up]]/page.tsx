import { SignUp } from '@gatehouse/nextjs';

export default function SignUpPage() {
  return <SignUp fallbackRedirectUrl="/dashboard" />;
}
