// Issue #23: the global interfaces a Clerk app augments in globals.d.ts type `sessionClaims`,
// `publicMetadata` and `unsafeMetadata` as in Clerk, and `@gatehouse/nextjs/types` holds Clerk's
// type names. Compiled with tsc (the TypeScript API) as an app would compile it, in a scratch folder.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const dir = join(import.meta.dirname, `.types-app-${process.pid}`);
mkdirSync(dir, { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));

// Clerk's documented globals.d.ts for role-based access and onboarding.
const GLOBALS = `export {};
declare global {
  interface CustomJwtSessionClaims {
    metadata: { role?: 'admin' | 'member'; onboardingComplete?: boolean };
  }
  interface UserPublicMetadata {
    plan?: 'free' | 'pro';
  }
  interface UserUnsafeMetadata {
    theme?: 'dark' | 'light';
  }
  interface OrganizationPublicMetadata {
    tier?: number;
  }
}
`;

const USAGE = `import { auth, currentUser } from '@gatehouse/nextjs/server';
import { useAuth, useSession, useUser } from '@gatehouse/nextjs';
import type {
  JwtPayload,
  OrganizationResource,
  SessionResource,
  UserResource,
  EmailAddressResource,
  ClerkMiddlewareOptions,
} from '@gatehouse/nextjs/types';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}

export async function server(): Promise<string | undefined> {
  const { sessionClaims } = await auth();
  const role = sessionClaims?.metadata.role;
  expectType<Equal<typeof role, 'admin' | 'member' | undefined>>();
  // @ts-expect-error: not a role the app declared
  const owner: typeof role = 'owner';
  const user = await currentUser();
  const plan = user?.publicMetadata.plan;
  expectType<Equal<typeof plan, 'free' | 'pro' | undefined>>();
  const options: ClerkMiddlewareOptions = { signInUrl: '/sign-in', contentSecurityPolicy: { strict: true } };
  void owner;
  void options;
  return user?.imageUrl.toLowerCase();
}

export function useClient(): void {
  const { sessionClaims } = useAuth();
  const onboarded: boolean | undefined = sessionClaims?.metadata.onboardingComplete;
  const { user } = useUser();
  const { session } = useSession();
  const created: Date | undefined = user?.createdAt;
  const lastSignIn: Date | null | undefined = user?.lastSignInAt;
  const image: string | undefined = user?.imageUrl;
  const expire: Date | undefined = session?.expireAt;
  const active: Date | undefined = session?.lastActiveAt;
  const plan = user?.publicMetadata.plan;
  expectType<Equal<typeof plan, 'free' | 'pro' | undefined>>();
  void user?.update({ unsafeMetadata: { theme: 'dark' } });
  // @ts-expect-error: unsafe metadata as the app declared it
  void user?.update({ unsafeMetadata: { theme: 'blue' } });
  void user?.reload().then((u: UserResource) => u.fullName);
  void session?.getToken({ template: 'supabase' });
  void [onboarded, created, lastSignIn, image, expire, active];
}

export function resources(s: SessionResource, o: OrganizationResource, e: EmailAddressResource, c: JwtPayload): unknown {
  const tier: number | undefined = o.publicMetadata.tier;
  return [s.id, s.status, e.emailAddress, c.sub, tier, c.metadata.role];
}
`;

function compile(files: Record<string, string>): string[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  };
  const program = ts.createProgram(
    Object.keys(files).map((f) => join(dir, f)),
    options,
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

describe("Clerk's global type augmentation and @gatehouse/nextjs/types (issue #23)", () => {
  test("an app's globals.d.ts types sessionClaims, publicMetadata and unsafeMetadata; resources carry Clerk's fields", () => {
    assert.deepEqual(compile({ 'globals.d.ts': GLOBALS, 'usage.ts': USAGE }), []);
  });

  test('without the augmentation the same code does not compile (the globals are what types it)', () => {
    rmSync(join(dir, 'globals.d.ts'), { force: true });
    const errors = compile({ 'usage.ts': USAGE });
    assert.ok(
      errors.some((e) => /metadata/.test(e) || /Unused '@ts-expect-error'/.test(e)),
      errors.join('\n'),
    );
  });
});
