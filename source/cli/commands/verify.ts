// verify: the data folder's consistency; --fix removes folders no run owns and marks runs whose outputs are gone.
import {UsageError} from '../../domain/errors.js';
import {fixPlan, isEmptyPlan, problemCount, type FixPlan, type FullVerifyReport} from '../../service/verify-fix.js';
import type {Command, Context} from '../command.js';

export const verifyCommand: Command = {
	name: 'verify',
	args: '',
	summary: 'find runs whose outputs are missing, prompts whose videos are gone, folders no run owns, and active runs no worker owns; --fix repairs what it can',
	flags: ['json', 'fix', 'yes'],
	minArgs: 0,
	maxArgs: 0,
	async run(context) {
		const {flags, out} = context;
		// Checked first, so a script gets one line and nothing else.
		if (flags.fix && !flags.yes && !context.interactive) throw new UsageError('verify --fix asks before it changes anything: run it in a terminal, or add --yes');
		const service = await context.service();
		const report = await service.verify();
		if (!flags.fix) {
			if (flags.json) out.json(report);
			else printReport(context, report);
			return summarize(context, report);
		}
		const plan = fixPlan(report);
		if (!flags.json) printReport(context, report);
		if (isEmptyPlan(plan)) {
			if (flags.json) out.json({...report, fixed: plan});
			else out.info('nothing for --fix to do');
			return summarize(context, report);
		}
		if (!flags.json) printPlan(context, plan);
		if (!flags.yes && !(await context.confirm(`Remove ${plan.folders.length} folder(s) and mark ${plan.runs.length} run(s)?`))) {
			out.info('nothing changed');
			return 1;
		}
		const fixed = await service.verifyFix(plan);
		const after = await service.verify();
		if (flags.json) out.json({...after, fixed});
		else out.info(`removed ${fixed.folders.length} folder(s), marked ${fixed.runs.length} run(s)`);
		return summarize(context, after);
	},
};

function printReport({out, invocation}: Context, report: FullVerifyReport): void {
	for (const item of report.missingOutputs) out.line(`missing output   ${item.runId}  ${item.path}${item.marked ? '  (marked)' : ''}`);
	for (const item of report.missingInputs) out.line(`missing input    ${item.promptId}  ${item.path}`);
	for (const folder of report.orphanFolders) out.line(`orphan folder    ${folder}`);
	for (const item of report.unownedRuns) out.line(`no worker owns   ${item.runId}  ${item.status} (any command that submits, or ${invocation} worker, takes it over)`);
}

function printPlan({out}: Context, plan: FixPlan): void {
	out.line();
	for (const folder of plan.folders) out.line(`remove folder    ${folder}`);
	for (const item of plan.runs) out.line(`mark run         ${item.runId}  output missing`);
}

/** Exit 0 when nothing is left to look at; a marked run is known and does not count. */
function summarize({out, flags, invocation}: Context, report: FullVerifyReport): number {
	const problems = problemCount(report);
	if (!flags.json) {
		const fixable = flags.fix ? {folders: [], runs: []} : fixPlan(report);
		const hint = isEmptyPlan(fixable) ? '' : ` (${invocation} verify --fix removes ${fixable.folders.length} folder(s) and marks ${fixable.runs.length} run(s))`;
		out.info(problems === 0 ? 'all consistent' : `${problems} problem(s)${hint}`);
	}
	return problems === 0 ? 0 : 1;
}
