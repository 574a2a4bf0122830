#!/usr/bin/env node
// The `llano` command. TypeScript sources are loaded through tsx so that a fresh
// checkout runs without a separate compile step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
