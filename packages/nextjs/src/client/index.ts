'use client';
// @gatehouse/nextjs: the provider, hooks and components for the browser (Clerk's names kept as aliases).

export {
  GatehouseProvider,
  ClerkProvider,
  useAuth,
  useUser,
  useSession,
  useGatehouse,
  SignedIn,
  SignedOut,
  type GatehouseProviderProps,
  type ClientSession,
  type ClientUser,
} from './provider.js';
export { SignIn, SignUp, SignOutButton, UserButton, type AuthFormProps } from './forms.js';
