// The generated avatar: an SVG data URL with the user's initials, so `imageUrl` is always set as in Clerk.

const COLOURS = ['#6C47FF', '#0B7A75', '#B4236C', '#2F6FDE', '#9A5B00', '#3E7D1E', '#8E44AD', '#C0392B'];

/** Up to two initials from the names, else the email's first letter; `?` when there is nothing to take. */
export function initialsOf(user: { firstName?: string | null; lastName?: string | null; email?: string | null }): string {
  const parts = [user.firstName, user.lastName].map((p) => (p ?? '').trim()).filter(Boolean);
  const letters = parts.length ? parts.map((p) => [...p][0]!) : [[...(user.email ?? '').trim()][0] ?? '?'];
  return letters.join('').slice(0, 2).toUpperCase();
}

/** The same picture for the same user id: an initials disc on a colour chosen by the id. */
export function generatedAvatarUrl(user: {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}): string {
  let hash = 0;
  for (const ch of user.id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const colour = COLOURS[hash % COLOURS.length]!;
  // Initials are letters of the user's own names: escaped for XML, then the whole SVG for the URL.
  const text = initialsOf(user).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
    `<rect width="128" height="128" fill="${colour}"/>` +
    `<text x="50%" y="50%" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" font-size="52" fill="#fff">${text}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
