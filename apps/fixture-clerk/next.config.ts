import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { NextConfig } from 'next';

// This fixture pins Next 15 inside a monorepo whose other apps use Next 16. @gatehouse/nextjs lives
// at the repository root, where plain resolution would find Next 16: two copies of Next break the
// request scope of next/headers. Resolve next, react and react-dom from this app, for every importer.
const require = createRequire(import.meta.url);
const own = (name: string) => dirname(require.resolve(`${name}/package.json`));

const config: NextConfig = {
  poweredByHeader: false,
  webpack(webpackConfig: { resolve: { alias: Record<string, string> } }) {
    for (const name of ['next', 'react', 'react-dom']) webpackConfig.resolve.alias[`${name}$`] ??= own(name);
    webpackConfig.resolve.alias['next/headers'] = `${own('next')}/headers.js`;
    webpackConfig.resolve.alias['next/server'] = `${own('next')}/server.js`;
    webpackConfig.resolve.alias['next/navigation'] = `${own('next')}/navigation.js`;
    return webpackConfig;
  },
};

export default config;
