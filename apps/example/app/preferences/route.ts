// GET /preferences?theme=dark&lang=fr&back=/sign-in: remembers the look in cookies and goes back (same-origin paths only).
import { NextResponse, type NextRequest } from 'next/server';
import { LANGUAGES, THEMES } from '@/lib/preferences';

const YEAR = 365 * 24 * 3600;

export function GET(req: NextRequest): Response {
  const params = req.nextUrl.searchParams;
  const back = params.get('back') ?? '/';
  // Only a path of this site: never `//host` or a scheme, which would send the visitor elsewhere.
  const target = /^\/(?![/\\])[\w\-./?=&%]*$/.test(back) ? back : '/';
  const res = NextResponse.redirect(new URL(target, req.nextUrl.origin), 303);
  const theme = params.get('theme');
  const lang = params.get('lang');
  const cookie = { path: '/', maxAge: YEAR, sameSite: 'lax' as const, httpOnly: true };
  if (theme && (THEMES as readonly string[]).includes(theme)) res.cookies.set('theme', theme, cookie);
  if (lang && (LANGUAGES as readonly string[]).includes(lang)) res.cookies.set('lang', lang, cookie);
  return res;
}
