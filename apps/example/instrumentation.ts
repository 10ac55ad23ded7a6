// Opens the embedded Gatehouse instance at server start, so its data location is printed up front,
// and with GATEHOUSE_DEMO=1 (set by `npm start`) creates the demo users and organizations once.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // The `supabase` template of gatehouse.config.json signs with SUPABASE_JWT_SECRET. Where a
    // development secret is allowed, a missing one is generated for this process (and said so), so
    // the demo starts without a Supabase project; production must set it.
    if (!process.env.SUPABASE_JWT_SECRET && (process.env.GATEHOUSE_DEV_SECRET === '1' || process.env.NODE_ENV !== 'production')) {
      const { randomBytes } = await import('node:crypto');
      process.env.SUPABASE_JWT_SECRET = randomBytes(32).toString('base64url');
      console.warn('Gatehouse example: SUPABASE_JWT_SECRET is not set; the supabase template signs with a generated secret for this run.');
    }
    const { embeddedGatehouse, startGatehouse } = await import('@gatehouse/nextjs/server');
    await startGatehouse();
    if (process.env.GATEHOUSE_DEMO === '1') {
      const gatehouse = await embeddedGatehouse();
      const { seedDemo } = await import('./lib/demo');
      // The receiver first: the demo data's own events are the first ones /webhooks lists.
      const { registerDemoWebhooks } = await import('./lib/demo-webhooks');
      await registerDemoWebhooks(gatehouse);
      await seedDemo(gatehouse);
    }
  }
}
