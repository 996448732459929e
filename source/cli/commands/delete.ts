// delete (with a preview and confirmation).
import {UsageError} from '../../domain/errors.js';
import {formatBytes} from '../../format/format.js';
import type {DeletionPreview} from '../../service/deletion.js';
import type {Command, Context} from '../command.js';

export const deleteCommand: Command = {
	name: 'delete',
	args: 'prompt|run <id>',
	summary: 'delete a prompt (with its runs) or a run, after a preview; outputs go too unless --keep-outputs',
	flags: ['yes', 'force', 'keepOutputs', 'json'],
	minArgs: 2,
	maxArgs: 2,
	complete: {subcommands: {prompt: ['prompt-id'], run: ['run-id']}},
	async run(context, [what, id]) {
		if (what !== 'prompt' && what !== 'run') throw new UsageError(`delete what? "${what}" (use: delete prompt <id> | delete run <id>)`);
		const service = await context.service();
		const fullId = service.resolveId(what === 'prompt' ? 'prompts' : 'runs', id!);
		const {deletion} = service;
		const preview = what === 'prompt' ? await deletion.previewPrompt(fullId) : await deletion.previewRun(fullId);
		const {flags, out} = context;
		if (!flags.json) printPreview(context, preview);
		if (!flags.yes) {
			if (!context.interactive) {
				out.info('nothing deleted: add --yes to delete without asking');
				return 1;
			}
			if (!(await context.confirm(`delete ${what} ${fullId}?`))) {
				out.info('nothing deleted');
				return 1;
			}
		}
		const options = {force: flags.force, keepOutputs: flags.keepOutputs};
		const done = what === 'prompt' ? await deletion.deletePrompt(fullId, options) : await deletion.deleteRun(fullId, options);
		if (flags.json) return out.json(done);
		out.info(`deleted ${what} ${fullId}${done.runs.length > 0 && what === 'prompt' ? ` and ${done.runs.length} run(s)` : ''}`);
	},
};

function printPreview({out}: Context, preview: DeletionPreview): void {
	if (preview.prompt) out.line(`prompt  ${preview.prompt.id}  ${preview.prompt.name}`);
	for (const run of preview.runs.slice(0, 10)) out.line(`run     ${run.id}  ${out.status(run.status)}`);
	if (preview.runs.length > 10) out.line(`        … and ${preview.runs.length - 10} more runs`);
	const files = preview.folders.reduce((sum, f) => sum + f.files, 0);
	const bytes = preview.folders.reduce((sum, f) => sum + f.bytes, 0);
	if (preview.folders.length > 0) out.line(`files   ${files} in ${preview.folders.length} run folder(s), ${formatBytes(bytes)}`);
	if (preview.active.length > 0) {
		out.line(out.paint('red', `warning: ${preview.active.length} run(s) still active on the host; deleting needs --force`));
	}
}
