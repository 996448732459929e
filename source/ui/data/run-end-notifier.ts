// Tells the terminal when a run ends (success, failed or cancelled) while the UI is open: once per
// run, and only for runs seen active here (active when the UI started, or created or updated as
// active since), so a late update of a run that ended long ago rings nothing.
import {isActive, type Run} from '../../domain/model.js';
import type {RunEnded} from '../../format/notify.js';
import type {WorkflowService} from '../../service/workflow-service.js';

export class RunEndNotifier {
	private readonly active = new Set<string>();
	private readonly unsubscribe: Array<() => void> = [];

	constructor(
		private readonly service: WorkflowService,
		private readonly notify: (run: RunEnded) => void,
	) {}

	start(): void {
		const events = this.service.events;
		this.unsubscribe.push(
			events.on('run-created', run => this.onRun(run)),
			events.on('run-updated', run => this.onRun(run)),
			events.on('run-deleted', ({id}) => this.active.delete(id)),
		);
		for (const run of this.service.activeRuns()) this.active.add(run.id);
	}

	close(): void {
		for (const stop of this.unsubscribe.splice(0)) stop();
		this.active.clear();
	}

	private onRun(run: Run): void {
		if (isActive(run.status)) {
			this.active.add(run.id);
			return;
		}
		if (!this.active.delete(run.id)) return;
		const promptName = this.service.getPromptOrNull(run.prompt_id)?.name ?? null;
		try {
			this.notify({runId: run.id, status: run.status, promptName});
		} catch {
			// A terminal that went away cannot be told; the UI goes on.
		}
	}
}
