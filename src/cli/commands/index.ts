import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { accessCommands } from './access.js';
import { apiServiceCommands } from './api-services.js';
import { auditCommands } from './audit.js';
import { automationCommands } from './automation.js';
import { almaCommands } from './alma.js';
import { analyticsCommands } from './analytics.js';
import { collabCommands } from './collab.js';
import { connectionCommands } from './connections.js';
import { datasetCommands } from './datasets.js';
import { flowCommands } from './flow.js';
import { insightCommands } from './insights.js';
import { libraryCommands } from './libraries.js';
import { codeEnvironmentCommands } from './code-environments.js';
import { notebookCommands } from './notebooks.js';
import { projectCommands } from './projects.js';
import { serveCommands } from './serve.js';
import { sharedCommands } from './shared.js';
import { userCommands } from './users.js';
import { visualRecipeCommands } from './visual-recipes.js';
import { webappCommands } from './webapps.js';

/** A CLI command module adds its sub-commands to the program. One file per command group. */
export type CommandModule = (program: Command, io: CliIo) => void;

/** Every command group of `llano`. Adding a group = adding a file and one line here. */
export const commandModules: CommandModule[] = [
  serveCommands,
  projectCommands,
  userCommands,
  datasetCommands,
  connectionCommands,
  flowCommands,
  visualRecipeCommands,
  analyticsCommands,
  almaCommands,
  automationCommands,
  insightCommands,
  webappCommands,
  libraryCommands,
  codeEnvironmentCommands,
  notebookCommands,
  accessCommands,
  collabCommands,
  apiServiceCommands,
  auditCommands,
  sharedCommands,
];
