import type { NextConfig } from 'next';

const config: NextConfig = {
  poweredByHeader: false,
  async rewrites() {
    return [{ source: '/.well-known/jwks.json', destination: '/api/gatehouse/jwks' }];
  },
};

export default config;
