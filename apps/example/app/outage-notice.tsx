// The notice a signed-in page shows when the profile could not be loaded (the identity service's database is unreachable).

export function OutageNotice() {
  return (
    <p role="status" className="notice" data-testid="outage-notice">
      Your profile cannot be loaded right now; this page shows what your session says. Try again in a moment.
    </p>
  );
}
