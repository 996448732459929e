// The start screen with no config and no GPU host: where the config is looked for, init, and the
// sandbox, readable on an 80x24 terminal.
import {render} from 'ink-testing-library';
import test from 'ava';
import {configCandidates} from '../../source/config/load-config.js';
import {stripAnsi} from '../../source/format/sanitize.js';
import {App} from '../../source/ui/components/app.js';
import {createRuntime, startRuntime} from '../../source/ui/data/runtime.js';
import type {SetupInfo} from '../../source/ui/state/setup-guide.js';
import {serviceFixture} from '../helpers/service.js';
import {waitFor} from './helpers/wait-for.js';

async function renderNoHost(t: {teardown: (fn: () => Promise<void> | void) => void}, setup: SetupInfo) {
	const fixture = await serviceFixture({hosts: []});
	t.teardown(() => fixture.cleanup());
	const runtime = createRuntime({service: fixture.service, setup});
	startRuntime(runtime);
	const instance = render(<App runtime={runtime} />);
	Object.defineProperty(instance.stdout, 'columns', {value: 80, configurable: true});
	Object.defineProperty(instance.stdout, 'rows', {value: 24, configurable: true});
	instance.stdout.emit('resize');
	t.teardown(async () => {
		instance.unmount();
		instance.cleanup();
		await runtime.tails.detach();
		runtime.close();
	});
	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	// Drawn at the 80 columns asked (the first frame may still be the default width).
	const fits = () => frame().split('\n').every(line => [...line].length <= 80);
	await waitFor(() => frame().includes('No GPU host configured yet') && fits(), {message: () => `no guide within 80 columns; last frame:\n${frame()}`});
	return {fixture, frame};
}

test('no config: the files looked for in order, init and the sandbox, within 80x24', async t => {
	const lookup = {env: {XDG_CONFIG_HOME: '/home/ann/.xdg'}, cwd: '/home/ann/videos', home: '/home/ann'};
	const {frame} = await renderNoHost(t, {configFiles: configCandidates(lookup), configSource: null, invocation: 'npx cosmos-tui', home: '/home/ann'});
	const text = frame();
	const lines = text.split('\n');
	t.true(lines.length <= 23, `fits the screen:\n${text}`);
	const first = lines.findIndex(line => line.includes('1. ~/videos/cosmos.toml'));
	const second = lines.findIndex(line => line.includes('2. ~/.xdg/cosmos-tui/config.toml'));
	t.true(first !== -1 && second > first, `both files, in order:\n${text}`);
	t.true(text.includes('npx cosmos-tui init'));
	t.true(text.includes('npm run sandbox'));
	t.true(text.includes('--config .sandbox/config.toml'));
});

test('a config without a host says which file was read', async t => {
	const {frame} = await renderNoHost(t, {
		configFiles: configCandidates({flag: 'my.toml', env: {}, cwd: '/srv/cosmos', home: '/home/ann'}),
		configSource: '/srv/cosmos/my.toml',
		invocation: 'cosmos-tui',
	});
	t.regex(frame(), /Config read from \/srv\/cosmos\/my\.toml: it has no \[remote\] host/);
	t.false(frame().includes('Looked for'));
});

test('the guide goes once there is a prompt: the panes show it', async t => {
	const {fixture, frame} = await renderNoHost(t, {configFiles: [], configSource: null, invocation: 'cosmos-tui'});
	await fixture.service.createPrompt({text: 'a quiet park in the morning', videoDir: fixture.inputs});
	await waitFor(() => frame().includes('1 Prompts'), {message: () => `no panes; last frame:\n${frame()}`});
	t.false(frame().includes('No GPU host configured yet'));
});

test('configCandidates: --config alone, else COSMOS_CONFIG alone, else ./cosmos.toml then the XDG (or ~/.config) file', t => {
	const base = {cwd: '/w', home: '/h'};
	t.deepEqual(configCandidates({...base, flag: '~/c.toml', env: {COSMOS_CONFIG: '/e.toml'}}), [{file: '/h/c.toml', from: '--config'}]);
	t.deepEqual(configCandidates({...base, env: {COSMOS_CONFIG: 'rel.toml'}}), [{file: '/w/rel.toml', from: 'COSMOS_CONFIG'}]);
	t.deepEqual(configCandidates({...base, env: {}}), [
		{file: '/w/cosmos.toml', from: 'working folder'},
		{file: '/h/.config/cosmos-tui/config.toml', from: 'user config'},
	]);
	t.is(configCandidates({...base, env: {XDG_CONFIG_HOME: '/x'}})[1]!.file, '/x/cosmos-tui/config.toml');
});
