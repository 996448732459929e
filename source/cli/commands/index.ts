import type {Command} from '../command.js';
import {completeCommand, completionCommand} from './completion.js';
import {configCommand} from './config.js';
import {deleteCommand} from './delete.js';
import {logsCommand, statusCommand} from './host.js';
import {listCommand, searchCommand, showCommand} from './list.js';
import {prepareCommand} from './prepare.js';
import {promptCommand} from './prompt.js';
import {noteCommand, rateCommand} from './rate.js';
import {upscaleCommand} from './upscale.js';
import {enhanceCommand} from './enhance.js';
import {cancelCommand, killCommand, queueCommand, workerCommand} from './queue.js';
import {doctorCommand, initCommand} from './setup.js';
import {inferenceCommand, rerunCommand, runCommand} from './run.js';
import {sweepCommand} from './sweep.js';
import {verifyCommand} from './verify.js';

export const COMMANDS: readonly Command[] = [
	runCommand,
	inferenceCommand,
	rerunCommand,
	upscaleCommand,
	enhanceCommand,
	sweepCommand,
	promptCommand,
	listCommand,
	searchCommand,
	showCommand,
	rateCommand,
	noteCommand,
	logsCommand,
	queueCommand,
	cancelCommand,
	killCommand,
	workerCommand,
	statusCommand,
	deleteCommand,
	verifyCommand,
	doctorCommand,
	initCommand,
	prepareCommand,
	configCommand,
	completionCommand,
	completeCommand,
];
