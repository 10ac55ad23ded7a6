// The dashboard's own sign-in page: a form whose script calls the auth API's POST /sign-in (its checks and rate limits apply).

import { html, raw, renderFrame } from './html.js';

// Constant (allowed by its hash in the CSP); the API path comes from the form's data attribute.
const SCRIPT = `
const form = document.getElementById('sign-in');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = document.getElementById('sign-in-error');
  out.textContent = '';
  const body = JSON.stringify({ email: form.email.value, password: form.password.value });
  const res = await fetch(form.dataset.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body, credentials: 'same-origin' });
  if (res.ok) { location.assign(form.dataset.next); return; }
  const data = await res.json().catch(() => null);
  out.textContent = (data && data.error && data.error.message) || 'Could not sign in.';
  out.hidden = false;
});
`;

export function signInPage(apiBase: string, root: string): Response {
  // POST without a script: the password never lands in a URL (the page answers 405 to a post).
  const body = html`<form id="sign-in" method="post" action="${root}/sign-in" data-api="${apiBase}/sign-in" data-next="${root}/users">
      <p>
        <label>Email <input name="email" type="email" autocomplete="username" required /></label>
      </p>
      <p>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      </p>
      <p><button type="submit">Sign in</button></p>
      <p id="sign-in-error" class="error" role="alert" hidden></p>
    </form>
    <p class="muted">For instance admins. ${raw('See the operating guide to make someone one.')}</p>`;
  return renderFrame({ title: 'Sign in', root, nav: [], current: '', body, scripts: [SCRIPT] });
}
