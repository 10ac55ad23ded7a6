// The roles of gatehouse.config.json, offered in the member and invitation role selects.
export const ROLES = [
  { key: 'org:admin', name: 'Admin' },
  { key: 'org:member', name: 'Member' },
  { key: 'org:viewer', name: 'Viewer' },
];
