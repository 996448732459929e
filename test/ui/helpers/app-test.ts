// ava's `test` for whole-screen tests: a fresh service per test, and after it the app unmounted,
// held runs released and the service's folder removed.
import anyTest, {type ExecutionContext, type TestFn} from 'ava';
import {serviceFixture, type ServiceFixture} from '../../helpers/service.js';
import {renderApp, type RenderedApp} from './render-app.js';
import {seed} from './runs.js';

export type AppTestContext = {fixture: ServiceFixture; app?: RenderedApp; release: Array<() => void>};

export function appTest(): TestFn<AppTestContext> {
	const test = anyTest as TestFn<AppTestContext>;
	test.beforeEach(async t => {
		t.context.fixture = await serviceFixture();
		t.context.release = [];
	});
	test.afterEach.always(async t => {
		await t.context.app?.dispose(); // lets the log tails go: held runs are left running
		for (const release of t.context.release) release();
		await t.context.fixture.cleanup();
	});
	return test;
}

/** Whether the details strip (under the panes) describes this run: the selection's first line. */
export const selectedRunIs = (id: string, status: string) => (frame: string) => frame.split('\n').some(line => line.trimStart().startsWith(`${id} ${status}`));

/** The seeded runs (helpers/runs.ts seed) and the app open on the runs pane, the successful run selected. */
export async function openOnSuccessfulRun(t: ExecutionContext<AppTestContext>, size: {columns: number; rows: number}) {
	const seeded = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture, size));
	await app.press('2', 'G');
	await app.waitFor(selectedRunIs(seeded.ok.id, 'success'), 'the successful run selected');
	return {...seeded, app};
}
