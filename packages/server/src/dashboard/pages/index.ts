// The dashboard's pages, in navigation order. A new page is one file here and one line below.

import type { DashboardPage } from '../page.js';
import { overviewPage } from './overview.js';
import { usersPage } from './users.js';
import { organizationsPage } from './organizations.js';
import { rolesPage } from './roles.js';
import { templatesPage } from './templates.js';
import { settingsPage } from './settings.js';
import { auditPage } from './audit.js';
import { webhooksPage } from './webhooks.js';
import { connectionsPage } from '../../oauth/dashboard-page.js';
import { mailPage } from '../../mail/dashboard-page.js';

export const DASHBOARD_PAGES: readonly DashboardPage[] = [
  overviewPage,
  usersPage,
  organizationsPage,
  rolesPage,
  templatesPage,
  connectionsPage,
  settingsPage,
  webhooksPage,
  mailPage,
  auditPage,
];
