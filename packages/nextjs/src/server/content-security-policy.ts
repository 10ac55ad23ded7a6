// The middleware's `contentSecurityPolicy` option (Clerk's): a policy for what Gatehouse's pages and components need, plus the app's directives (edge-safe).

export type ContentSecurityPolicyDirective =
  | 'connect-src'
  | 'default-src'
  | 'font-src'
  | 'img-src'
  | 'media-src'
  | 'object-src'
  | 'script-src'
  | 'style-src'
  | 'base-uri'
  | 'child-src'
  | 'form-action'
  | 'frame-ancestors'
  | 'frame-src'
  | 'manifest-src'
  | 'navigate-to'
  | 'prefetch-src'
  | 'worker-src'
  | 'plugin-types'
  | 'require-sri-for'
  | 'sandbox'
  | 'block-all-mixed-content'
  | 'require-trusted-types-for'
  | 'trusted-types'
  | 'upgrade-insecure-requests'
  | 'report-to'
  | 'report-uri'
  | 'script-src-attr'
  | 'script-src-elem'
  | 'style-src-attr'
  | 'style-src-elem';

export interface ContentSecurityPolicyOptions {
  /** Scripts run only with this response's nonce (`'strict-dynamic'`); Next.js reads the nonce from the request's policy. */
  strict?: boolean;
  /** Sources added to Gatehouse's defaults, per directive. */
  directives?: Partial<Record<ContentSecurityPolicyDirective, string[]>>;
  /** `Content-Security-Policy-Report-Only` instead of enforcing. */
  reportOnly?: boolean;
  /** Where violation reports go (`report-uri`, and `report-to` with a `Reporting-Endpoints` header). */
  reportTo?: string;
}

/**
 * What the mounted API, hosted pages and prebuilt components need: everything is same-origin. Next
 * injects inline scripts and the components an inline stylesheet; avatars come from providers (https)
 * or are generated (data:).
 */
const DEFAULTS: Partial<Record<ContentSecurityPolicyDirective, string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'unsafe-inline'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'https:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'frame-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
};

export function generateNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The header name and value for one response, and the nonce the page's scripts must carry (strict only). */
export function contentSecurityPolicy(options: ContentSecurityPolicyOptions): {
  name: string;
  value: string;
  nonce: string | null;
  reportingEndpoints: string | null;
} {
  const directives = new Map<string, string[]>(Object.entries(DEFAULTS).map(([k, v]) => [k, [...v]]));
  // Development builds evaluate code (React's refresh runtime).
  if (process.env.NODE_ENV === 'development') directives.get('script-src')!.push("'unsafe-eval'");
  for (const [name, values] of Object.entries(options.directives ?? {})) {
    const current = directives.get(name) ?? [];
    // `'none'` gives way as soon as a source is added.
    const merged = [...current.filter((v) => v !== "'none'"), ...(values ?? [])];
    directives.set(name, [...new Set(merged.length ? merged : current)]);
  }
  let nonce: string | null = null;
  if (options.strict) {
    nonce = generateNonce();
    // With a nonce, 'unsafe-inline' is ignored by browsers that understand nonces; 'strict-dynamic' lets the nonced scripts load Next's chunks.
    const script = directives.get('script-src')!.filter((v) => v !== "'unsafe-inline'");
    directives.set('script-src', [...new Set([...script, `'nonce-${nonce}'`, "'strict-dynamic'"])]);
  }
  let reportingEndpoints: string | null = null;
  if (options.reportTo) {
    directives.set('report-uri', [options.reportTo]);
    directives.set('report-to', ['csp-endpoint']);
    reportingEndpoints = `csp-endpoint="${options.reportTo}"`;
  }
  const value = [...directives].map(([name, values]) => (values.length ? `${name} ${values.join(' ')}` : name)).join('; ');
  return { name: options.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy', value, nonce, reportingEndpoints };
}
