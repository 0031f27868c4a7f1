#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerBagCommands } from './groups/bagGroup.js';
import { registerBenchCommands } from './groups/benchGroup.js';
import { registerEvalCommands } from './groups/evalGroup.js';
import { registerRosCommands } from './groups/rosGroup.js';
import { registerSimCommands } from './groups/simGroup.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('jepa-agent')
  .description('A robot-arm runtime that learns a JEPA world model from its own interactions and plans in latent space.')
  .version(pkg.version)
  .enablePositionalOptions()
  .showHelpAfterError();

const info = { version: pkg.version };
// One file per command group (src/cli/groups), so each concern registers its own commands.
registerSimCommands(program, info);
registerRosCommands(program, info);
registerBagCommands(program, info);
registerEvalCommands(program, info);
registerBenchCommands(program);

await program.parseAsync(process.argv);
