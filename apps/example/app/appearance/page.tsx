// The appearance demo: the same SignIn with Clerk-style `appearance` props on the component (variables, elements, a base theme).
import { SignIn } from '@gatehouse/nextjs';
import { dark } from '@gatehouse/nextjs/themes';

export default function AppearancePage() {
  return (
    <>
      <h1>Appearance</h1>
      <p>Each component takes Clerk&apos;s appearance prop; the provider&apos;s applies to all of them.</p>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '1.5rem', alignItems: 'flex-start' }}>
        <section aria-label="Custom variables" data-testid="custom">
          <SignIn
            fallbackRedirectUrl="/dashboard"
            appearance={{
              variables: { colorPrimary: '#0f766e', borderRadius: '0px', fontFamily: 'Georgia, serif', colorText: '#102a43' },
              elements: { formButtonPrimary: 'demo-primary-button', card: { borderWidth: '3px' } },
            }}
          />
        </section>
        <section aria-label="Dark base theme" data-testid="dark">
          <SignIn fallbackRedirectUrl="/dashboard" appearance={{ baseTheme: dark }} />
        </section>
      </div>
    </>
  );
}
