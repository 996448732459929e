// What the keys ask of the service: queue a run or a sweep, cancel, move in the queue, pause a
// host, delete, create a prompt, open the video, save the log. Each call reports back as app
// actions (a dialog, a message, a new selection); errors become one line for the user, never a
// crash. Nothing here launches or follows a run: the service queues it and its worker does.
import path from 'node:path';
import {useMemo, type Dispatch} from 'react';
import {isActive, type Prompt, type Run} from '../../domain/model.js';
import {ratingStars, stepRating} from '../../domain/rating.js';
import {formatBytes} from '../../format/format.js';
import type {Move} from '../../service/scheduler/queue-order.js';
import {messageOf} from '../data/live-data.js';
import type {UiRuntime} from '../data/runtime.js';
import {NoOpenerError} from '../system/open-file.js';
import type {UnknownHostKey} from '../../executor/ssh-connect.js';
import type {AppAction} from '../state/app-state.js';
import {cancelQuestion, openConfirm, type ConfirmIntent} from '../state/confirm.js';
import {MAX_FORM_SWEEP, formSweep} from '../state/form-lists.js';
import {PREPARE_FPS, createdMessage, openPromptForm, prepareOffer, preparedNote, promptRequest, reducePromptForm, type PromptFormState} from '../state/prompt-form.js';
import {formChanges, openWeightsForm, reduceWeightsForm, type HostGpus, type WeightsFormState} from '../state/weights-form.js';

export type Actions = ReturnType<typeof makeActions>;

export function useActions(runtime: UiRuntime, dispatch: Dispatch<AppAction>): Actions {
	return useMemo(() => makeActions(runtime, dispatch), [runtime, dispatch]);
}

function makeActions(runtime: UiRuntime, dispatch: Dispatch<AppAction>) {
	const {service, system} = runtime;
	const flash = (text: string, tone: 'info' | 'error' = 'info') => dispatch({type: 'flash', text, tone});
	/** Does the work and flashes what it says it did, or why it failed. */
	const flashOutcome = async (work: () => Promise<string>) => {
		try {
			flash(await work());
		} catch (error) {
			flash(messageOf(error), 'error');
		}
	};
	const showError = (title: string, error: unknown) => dispatch({type: 'open', modal: {kind: 'message', title, text: messageOf(error)}});
	/** No opener on this machine (a server over SSH): the whole path to read, and on the clipboard. */
	const showPath = (title: string, what: string, error: NoOpenerError) => {
		const copied = system.copyText(error.target);
		const text = `${error.opener} is not installed on this machine. ${what} is at: ${error.target} (path ${copied})`;
		dispatch({type: 'open', modal: {kind: 'message', title, text}});
	};
	/** Shows a new run (or a new sweep's row) in the runs pane, selected. */
	const select = (id: string) => {
		dispatch({type: 'close'});
		dispatch({type: 'move', pane: 'runs', ids: [], move: {kind: 'id', id}});
		dispatch({type: 'focus', pane: 'runs'});
	};

	/**
	 * Creates the form's prompt and shows it selected; `prepared` says the folder was just prepared
	 * here. A folder of rendered frames rather than videos is offered to prepare instead of failing.
	 */
	const createPromptFrom = async (form: PromptFormState, prepared?: string) => {
		try {
			const result = await service.createPrompt(promptRequest(form));
			const {prompt} = result;
			dispatch({type: 'close'});
			dispatch({type: 'focus', pane: 'prompts'});
			dispatch({type: 'set-filter', pane: 'prompts', filter: ''});
			dispatch({type: 'move', pane: 'prompts', ids: [], move: {kind: 'id', id: prompt.id}});
			flash(prepared ? `${createdMessage(result)} (${prepared})` : createdMessage(result));
		} catch (error) {
			const rendered = prepared === undefined ? await renderedFrames(form.folder.trim()) : null;
			if (rendered && 'offer' in rendered) dispatch({type: 'prompt-form', action: {type: 'offer-prepare', offer: rendered.offer}});
			else dispatch({type: 'prompt-form', action: {type: 'failed', message: rendered?.error ?? messageOf(error)}});
		}
	};
	/** prepare's offer (or why it cannot) for a folder of rendered frames; null for any other folder. */
	const renderedFrames = async (folder: string) => {
		const plan = await service.renderedFramesPlan(folder, PREPARE_FPS).catch(() => null);
		return plan ? prepareOffer(plan, folder) : null;
	};

	/** The hosts' GPU counts as the queue view last read them, so the form refuses more GPUs than any has. */
	const hostGpus = (): HostGpus[] => (runtime.queue.getSnapshot().view?.hosts ?? []).map(host => ({name: host.name, gpus: host.gpus?.length ?? null}));

	return {
		openLaunchForm(prompt: Pick<Prompt, 'id' | 'name'>) {
			const form = openWeightsForm({mode: 'launch', promptId: prompt.id, promptName: prompt.name, settings: runtime.defaults, hosts: hostGpus()});
			dispatch({type: 'open', modal: {kind: 'editor', form}});
		},

		openRerunForm(run: Run & {promptName: string}) {
			const settings = {weights: run.control_weights, parameters: run.parameters};
			const form = openWeightsForm({mode: 'rerun', promptId: run.prompt_id, promptName: run.promptName, parentRunId: run.id, settings, enhance: run.enhance_prompt === true, hosts: hostGpus()});
			dispatch({type: 'open', modal: {kind: 'editor', form}});
		},

		/** Queues the run, or with lists or ranges in the form, one run per combination as a sweep (each enhanced when the toggle is on). */
		async submitRunForm(form: WeightsFormState) {
			const next = reduceWeightsForm(form, {type: 'submitting'});
			dispatch({type: 'editor', action: {type: 'submitting'}});
			if (!next.submitting) return; // the form shows why
			const sweep = formSweep(next);
			try {
				service.hosts.requireAny();
				if (sweep.kind === 'sweep') {
					const from = next.parentRunId ?? next.promptId;
					const created = await service.createSweep({from, axes: sweep.axes, submit: {}, max: MAX_FORM_SWEEP, dryRun: false, enhance: next.enhance});
					select(created.sweep.id);
					flash(`sweep ${created.sweep.id}: ${created.runs.length} runs queued`);
					return;
				}
				// Refused here, in the form, with the CLI's words: more GPUs than any host has.
				await service.checkSubmit(next.values.parameters.num_gpus);
				const changes = formChanges(next);
				const run = next.parentRunId ? await service.rerun(next.parentRunId, changes) : await service.createRun(next.promptId, changes);
				select(run.id);
				flash(`${run.id} queued; it starts when GPUs are free (4 shows the queue)`);
			} catch (error) {
				dispatch({type: 'editor', action: {type: 'failed', message: messageOf(error)}});
			}
		},

		openPromptForm() {
			dispatch({type: 'open', modal: {kind: 'prompt-form', form: openPromptForm(withSlash(service.mostRecentVideoDir()))}});
		},

		async completeFolder(form: PromptFormState) {
			try {
				const {completed, candidates} = await system.completePath(form.folder);
				dispatch({type: 'prompt-form', action: {type: 'completed', folder: completed, candidates}});
			} catch (error) {
				dispatch({type: 'prompt-form', action: {type: 'failed', message: messageOf(error)}});
			}
		},

		async submitPromptForm(form: PromptFormState) {
			const next = reducePromptForm(form, {type: 'submitting'});
			dispatch({type: 'prompt-form', action: {type: 'submitting'}});
			if (!next.submitting) return;
			await createPromptFrom(next);
		},

		/** Enter on the offer: prepare's service function (as the CLI), then the prompt from the folder it made. */
		async preparePromptForm(form: PromptFormState) {
			const offer = form.prepare;
			if (!offer || offer.startedAt !== null) return;
			const preparing = {type: 'preparing', at: Date.now()} as const;
			dispatch({type: 'prompt-form', action: preparing});
			let output: string;
			try {
				const {plan} = await service.prepareRenders(offer.source, {fps: offer.fps, dryRun: false});
				output = plan.output;
			} catch (error) {
				// prepare writes into a temp folder and renames it: a failure leaves nothing behind.
				dispatch({type: 'prompt-form', action: {type: 'failed', message: `prepare failed, nothing was written: ${messageOf(error)}`}});
				return;
			}
			const prepared = {type: 'prepared', folder: output} as const;
			dispatch({type: 'prompt-form', action: prepared});
			await createPromptFrom(reducePromptForm(reducePromptForm(form, preparing), prepared), preparedNote({...offer, output}));
		},

		askCancel(run: Run) {
			if (!isActive(run.status)) {
				flash(`${run.id} is ${run.status}: nothing to cancel`);
				return;
			}
			if (run.cancel_requested_at !== null) {
				flash(`${run.id}: cancel already asked; its worker is stopping it`);
				return;
			}
			dispatch({type: 'open', modal: {kind: 'confirm', confirm: openConfirm({kind: 'cancel', runId: run.id}, 'Cancel run', cancelQuestion(run), 'Cancel run')}});
		},

		async moveRun(runId: string, move: Move) {
			try {
				await service.moveRun(runId, move);
			} catch (error) {
				flash(messageOf(error), 'error');
			}
		},

		async setPaused(host: string, paused: boolean) {
			try {
				await (paused ? service.pauseHosts(host) : service.resumeHosts(host));
				flash(paused ? `${host} paused: its runs go on; nothing new starts there` : `${host} resumed`);
			} catch (error) {
				flash(messageOf(error), 'error');
			}
		},

		async askDeleteRun(run: Run) {
			try {
				const preview = await service.deletion.previewRun(run.id);
				if (preview.active.length > 0) {
					flash(`${run.id} is ${run.status}: cancel it first (x)`, 'error');
					return;
				}
				const size = preview.folders.reduce((sum, folder) => sum + folder.bytes, 0);
				const lines = [`Delete run ${run.id}?`, preview.folders.length > 0 ? `Its folder goes too (${formatBytes(size)}: log and outputs).` : 'It has no files.'];
				dispatch({type: 'open', modal: {kind: 'confirm', confirm: openConfirm({kind: 'delete-run', runId: run.id}, 'Delete run', lines, 'Delete')}});
			} catch (error) {
				showError('Cannot delete', error);
			}
		},

		async askDeletePrompt(prompt: Prompt) {
			try {
				const preview = await service.deletion.previewPrompt(prompt.id);
				if (preview.active.length > 0) {
					flash(`${preview.active.length} run(s) of ${prompt.name} still active: cancel them first`, 'error');
					return;
				}
				const size = preview.folders.reduce((sum, folder) => sum + folder.bytes, 0);
				const lines = [
					`Delete prompt ${prompt.name}?`,
					`With its ${preview.runs.length} run(s) and their folders (${formatBytes(size)}). The input videos stay.`,
				];
				const confirm = openConfirm({kind: 'delete-prompt', promptId: prompt.id}, 'Delete prompt', lines, 'Delete');
				dispatch({type: 'open', modal: {kind: 'confirm', confirm}});
			} catch (error) {
				showError('Cannot delete', error);
			}
		},

		async confirmed(intent: ConfirmIntent) {
			dispatch({type: 'close'});
			try {
				if (intent.kind === 'cancel') {
					const run = await service.cancelRun(intent.runId);
					flash(run.status === 'cancelled' ? `${run.id} left the queue` : `cancelling ${run.id}...`);
				} else if (intent.kind === 'delete-run') {
					await service.deletion.deleteRun(intent.runId);
					flash(`${intent.runId} deleted`);
				} else {
					const preview = await service.deletion.deletePrompt(intent.promptId);
					flash(`prompt ${preview.prompt?.name ?? intent.promptId} deleted with ${preview.runs.length} run(s)`);
				}
			} catch (error) {
				showError(intent.kind === 'cancel' ? 'Could not cancel' : 'Could not delete', error);
			}
		},

		async openOutput(run: Run) {
			const video = run.outputs.video;
			if (!video) {
				flash(`${run.id} has no output video (${run.status})`, 'error');
				return;
			}
			try {
				await system.openFile(video);
				flash(`opening ${video}`);
			} catch (error) {
				if (error instanceof NoOpenerError) showPath('No video player here', 'The video', error);
				else flash(messageOf(error), 'error');
			}
		},

		/** The run's output folder in the file manager; without one, its path shown and copied. */
		async openOutputFolder(run: Run) {
			const folder = run.outputs.dir ?? (run.outputs.video ? path.dirname(run.outputs.video) : service.files.outputsDir(run.id));
			try {
				await system.openFolder(folder);
				flash(`opening ${folder}`);
			} catch (error) {
				if (error instanceof NoOpenerError) showPath('No file manager here', 'The output folder', error);
				else flash(messageOf(error), 'error');
			}
		},

		/** One star up or down (+/-); the row and the details show it when the store says it changed. */
		async rate(run: Run, delta: 1 | -1) {
			await flashOutcome(async () => {
				const rated = await service.rateRun(run.id, stepRating(run.rating, delta));
				return rated.rating == null ? `${run.id}: rating removed` : `${run.id} rated ${ratingStars(rated.rating)}`;
			});
		},

		/** Reruns it with the prompt upsampler first (run --enhance) and says which run it is. */
		async enhance(run: Run) {
			await flashOutcome(async () => `${(await service.rerun(run.id, {enhance: true})).id} queued: ${run.id} again, its prompt enhanced first`);
		},

		/** Queues the prompt upsampler on the prompt (cosmos-tui enhance) and says which run it is. */
		async enhancePrompt(prompt: Prompt) {
			await flashOutcome(async () => `${(await service.enhancePrompt(prompt.id)).id} queued: the prompt upsampler on ${prompt.name}; its rewrite becomes a new prompt`);
		},

		/** Queues a 4K upscale of the run (weight 0.5) and says which run it is. */
		async upscale(run: Run) {
			await flashOutcome(async () => `${(await service.upscaleRun(run.id)).id} queued: ${run.id} upscaled to 4K`);
		},

		/** Saves the note being written; a refusal (too long) stays in the dialog. */
		async saveNote(runId: string, text: string) {
			try {
				const run = await service.noteRun(runId, text);
				dispatch({type: 'close'});
				flash(run.note ? `${runId}: note saved` : `${runId}: note removed`);
			} catch (error) {
				dispatch({type: 'open', modal: {kind: 'note', runId, text, error: messageOf(error)}});
			}
		},

		async saveLog(run: Run) {
			try {
				const target = path.resolve(await system.saveLog(service.files.logPath(run.id), run.id));
				flash(`log saved to ${target}`);
			} catch (error) {
				flash(messageOf(error), 'error');
			}
		},

		/** Trusts the host's key (known_hosts), checks the hosts again, and closes the dialog. */
		async acceptHostKey(host: string, key: UnknownHostKey) {
			dispatch({type: 'open', modal: {kind: 'host-key', host, key, busy: true, error: null}});
			try {
				await runtime.queue.trustHostKey(host);
				dispatch({type: 'close'});
				flash(`${host}: host key trusted and remembered in known_hosts`);
			} catch (error) {
				dispatch({type: 'open', modal: {kind: 'host-key', host, key, busy: false, error: messageOf(error)}});
			}
		},

		/** Leaves the key untrusted: the header keeps saying so, and R asks again. */
		refuseHostKey(host: string) {
			runtime.queue.refuseHostKey(host);
			dispatch({type: 'close'});
			flash(`${host}: key not trusted; R checks the hosts and asks again`);
		},

		refresh() {
			runtime.live.reload();
			runtime.queue.reload();
			void runtime.queue.checkHosts();
			flash('reloaded');
		},
	};
}

function withSlash(folder: string | undefined): string {
	return folder ? (folder.endsWith('/') ? folder : `${folder}/`) : '';
}
