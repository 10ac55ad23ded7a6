import { SignIn } from '@gatehouse/nextjs';

export default function Page() {
  return <SignIn />;
}
