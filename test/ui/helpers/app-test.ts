// ava's `test` for whole-screen tests: a fresh service per test, and after it the app unmounted,
// held runs released and the service's folder removed.
import anyTest, {type TestFn} from 'ava';
import {serviceFixture, type ServiceFixture} from '../../helpers/service.js';
import type {RenderedApp} from './render-app.js';

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
