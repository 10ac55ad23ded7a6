// Opens the embedded Gatehouse instance at server start, so its data location is printed up front.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startGatehouse } = await import('@gatehouse/nextjs/server');
    await startGatehouse();
  }
}
