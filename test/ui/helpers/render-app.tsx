// Renders the whole UI on a real service (temp store, fake executors) with ink-testing-library,
// at a chosen terminal size, with fake system functions that record what they were asked.
import {render} from 'ink-testing-library';
import {App} from '../../../source/ui/components/app.js';
import {createRuntime, startRuntime, type UiRuntime} from '../../../source/ui/data/runtime.js';
import {stripAnsi} from '../../../source/format/sanitize.js';
import type {ServiceFixture} from '../../helpers/service.js';
import {waitFor} from './wait-for.js';

export const KEYS = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	enter: '\r',
	esc: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	backspace: '\u007F',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	end: '\u001B[F',
	ctrlC: '\u0003',
	ctrlU: '\u0015',
	shiftUp: '\u001B[1;2A',
	shiftDown: '\u001B[1;2B',
} as const;

export type RenderedApp = {
	runtime: UiRuntime;
	/** The last frame without colours. */
	frame(): string;
	/** The last frame as written (with SGR sequences). */
	rawFrame(): string;
	press(...keys: string[]): Promise<void>;
	waitFor(condition: (frame: string) => boolean, what?: string): Promise<void>;
	opened: string[];
	saved: string[];
	resize(columns: number, rows: number): void;
	dispose(): Promise<void>;
};

export async function renderApp(fixture: ServiceFixture, size: {columns?: number; rows?: number} = {}): Promise<RenderedApp> {
	const opened: string[] = [];
	const saved: string[] = [];
	const runtime = createRuntime({
		service: fixture.service,
		system: {
			openFile: async file => {
				opened.push(file);
			},
			saveLog: async (_logPath, runId) => {
				saved.push(runId);
				return `/tmp/saved/${runId}.log`;
			},
			completePath: async typed => ({completed: typed.endsWith('/') ? typed : `${typed}/`, candidates: []}),
		},
	});
	// As launchUi does: the store is read before the first frame, so it shows the data at once.
	startRuntime(runtime);
	const instance = render(<App runtime={runtime} />);
	const resize = (columns: number, rows: number) => {
		Object.defineProperty(instance.stdout, 'columns', {value: columns, configurable: true});
		Object.defineProperty(instance.stdout, 'rows', {value: rows, configurable: true});
		instance.stdout.emit('resize');
	};
	resize(size.columns ?? 120, size.rows ?? 32);
	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	const app: RenderedApp = {
		runtime,
		frame,
		rawFrame: () => instance.lastFrame() ?? '',
		async press(...keys) {
			for (const key of keys) {
				instance.stdin.write(key);
				// Ink handles a key synchronously, but holds a lone Esc until the next turn of the
				// event loop (it could start a sequence): let that pass before the next key.
				await new Promise(resolve => setImmediate(resolve));
				await new Promise(resolve => setImmediate(resolve));
			}
		},
		async waitFor(condition, what) {
			await waitFor(() => condition(frame()), {message: () => `${what ?? 'frame'} never appeared; last frame:\n${frame()}`});
		},
		opened,
		saved,
		resize,
		async dispose() {
			instance.unmount();
			instance.cleanup();
			await runtime.tails.detach();
			runtime.close();
		},
	};
	// Input is read once Ink has turned raw mode on, after the first commit.
	await app.waitFor(current => current.includes('1 Prompts'), 'the first frame');
	return app;
}
