#!/usr/bin/env node
/** The `dialogym` command line. */
import { commands, createProgram } from './program.js';
import { runCli } from './run.js';

await runCli(createProgram(), commands, process.argv);
