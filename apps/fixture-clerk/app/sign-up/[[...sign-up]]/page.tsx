import { SignUp } from '@gatehouse/nextjs';

export default function Page() {
  return <SignUp />;
}
