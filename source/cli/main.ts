#!/usr/bin/env node
import process from 'node:process';
import {processInvocation} from './invocation.js';
import {runCli} from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
	env: process.env,
	cwd: process.cwd(),
	interactive: Boolean(process.stdin.isTTY),
	tty: Boolean(process.stdin.isTTY && process.stdout.isTTY),
	invocation: processInvocation(process.argv[1], process.env, process.cwd()),
});
