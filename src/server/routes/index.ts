import type { FastifyInstance } from 'fastify';
import type { Workspace } from '../../workspace/workspace.js';
import { analyticsRoutes } from './analytics.js';
import { apiServiceRoutes } from './api-services.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { automationRoutes } from './automation.js';
import { catalogObjectRoutes } from './catalog-objects.js';
import { checkTypeRoutes } from './check-types.js';
import { codeLimitRoutes } from './code-limits.js';
import { codeRecipeRoutes } from './code-recipes.js';
import { collabRoutes } from './collab.js';
import { datasetRoutes } from './datasets.js';
import { flowRoutes } from './flow.js';
import { groupRoutes } from './groups.js';
import { insightRoutes } from './insights.js';
import { monitoringStepRoutes } from './monitoring-steps.js';
import { notebookRoutes } from './notebooks.js';
import { oidcRoutes } from './oidc.js';
import { partitionRoutes } from './partitions.js';
import { previewRoutes } from './preview.js';
import { projectApiKeyRoutes } from './project-api-keys.js';
import { projectRoutes } from './projects.js';
import { projectTransferRoutes } from './project-transfer.js';
import { sharedRoutes } from './shared.js';
import { qualityRoutes } from './quality.js';
import { userRoutes } from './users.js';
import { visualRecipeRoutes } from './visual-recipes.js';
import { webappRoutes } from './webapps.js';

/** Every group of API routes. Adding a group = adding a file and one line here. */
export const apiRouteModules: ((app: FastifyInstance, ws: Workspace) => void)[] = [
  authRoutes,
  userRoutes,
  projectRoutes,
  datasetRoutes,
  flowRoutes,
  catalogObjectRoutes,
  previewRoutes,
  automationRoutes,
  monitoringStepRoutes,
  qualityRoutes,
  checkTypeRoutes,
  insightRoutes,
  visualRecipeRoutes,
  webappRoutes,
  codeRecipeRoutes,
  codeLimitRoutes,
  notebookRoutes,
  groupRoutes,
  projectApiKeyRoutes,
  oidcRoutes,
  collabRoutes,
  apiServiceRoutes,
  auditRoutes,
  projectTransferRoutes,
  analyticsRoutes,
  partitionRoutes,
  sharedRoutes,
];
