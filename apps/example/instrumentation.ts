// Opens the embedded Gatehouse instance at server start, so its data location is printed up front,
// and with GATEHOUSE_DEMO=1 (set by `npm start`) creates the demo users and organizations once.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { embeddedGatehouse } = await import('@gatehouse/nextjs/server');
    const gatehouse = await embeddedGatehouse();
    if (process.env.GATEHOUSE_DEMO === '1') {
      const { seedDemo } = await import('./lib/demo');
      // The receiver first: the demo data's own events are the first ones /webhooks lists.
      const { registerDemoWebhooks } = await import('./lib/demo-webhooks');
      await registerDemoWebhooks(gatehouse);
      await seedDemo(gatehouse);
    }
  }
}
