// The hosted pages' one inline script (a constant, allowed by its hash): sign-out and organization creation call the JSON API.

/** Whether a Cookie header carries the client cookie (the pages only decide whether a refresh is worth trying). */
export const CLIENT_COOKIE_PRESENT = /(^|;\s*)__client=/;

const SCRIPT = `
const signOut = document.getElementById('gatehouse-sign-out');
if (signOut) signOut.addEventListener('submit', async (event) => {
  event.preventDefault();
  await fetch(signOut.dataset.api, { method: 'POST', credentials: 'same-origin' });
  location.assign(signOut.dataset.next);
});
const create = document.getElementById('gatehouse-create-organization');
if (create) create.addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = document.getElementById('gatehouse-form-error');
  const body = { name: create.name.value };
  if (create.slug.value) body.slug = create.slug.value;
  const res = await fetch(create.dataset.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  if (res.ok) {
    // As Clerk's create flow: the new organization becomes the active one, then on (":slug" / ":id" filled in).
    const org = (await res.json()).organization;
    await fetch(create.dataset.activate, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: org.id }), credentials: 'same-origin' });
    location.assign(create.dataset.next.replace(':slug', encodeURIComponent(org.slug)).replace(':id', encodeURIComponent(org.id)));
    return;
  }
  const data = await res.json().catch(() => null);
  out.textContent = (data && data.error && data.error.message) || 'Could not create the organization.';
  out.hidden = false;
});
`;

export const hostedScripts: readonly string[] = [SCRIPT];
