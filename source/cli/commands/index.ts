import type {Command} from '../command.js';
import {deleteCommand, verifyCommand} from './delete.js';
import {killCommand, logsCommand, statusCommand} from './host.js';
import {listCommand, searchCommand, showCommand} from './list.js';
import {promptCommand} from './prompt.js';
import {inferenceCommand, rerunCommand, runCommand} from './run.js';

export const COMMANDS: readonly Command[] = [
	runCommand,
	inferenceCommand,
	rerunCommand,
	promptCommand,
	listCommand,
	searchCommand,
	showCommand,
	logsCommand,
	killCommand,
	statusCommand,
	deleteCommand,
	verifyCommand,
];
