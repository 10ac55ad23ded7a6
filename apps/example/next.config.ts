import type { NextConfig } from 'next';

const config: NextConfig = {
  poweredByHeader: false,
  async rewrites() {
    return [{ source: '/.well-known/jwks.json', destination: '/api/gatehouse/jwks' }];
  },
  async headers() {
    // These URLs can carry an invitation token (the accept page, and sign-in/up with the accept page
    // as redirect_url): no Referer header may take it to another site.
    const noReferrer = [{ key: 'Referrer-Policy', value: 'no-referrer' }];
    return ['/accept-invitation', '/sign-in/:path*', '/sign-up/:path*'].map((source) => ({ source, headers: noReferrer }));
  },
};

export default config;
