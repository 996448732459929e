import test from 'ava';
import type {Key} from 'ink';
import {activeContexts} from '../../source/ui/keys/contexts.js';
import {barHints, helpLines} from '../../source/ui/keys/help.js';
import {KEY_BINDINGS, type KeyContext} from '../../source/ui/keys/registry.js';
import {keyPresses, resolveBinding} from '../../source/ui/keys/resolve.js';
import {INITIAL_APP_STATE} from '../../source/ui/state/app-state.js';

const NO_KEY: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};

test('command ids are unique', t => {
	const ids = KEY_BINDINGS.map(binding => binding.id);
	t.is(new Set(ids).size, ids.length);
});

test('no key means two things in the contexts that are active together', t => {
	const states = [
		...(['prompts', 'runs', 'logs', 'queue'] as const).map(focus => ({...INITIAL_APP_STATE, focus})),
		{...INITIAL_APP_STATE, editingFilter: 'runs' as const},
		...(['help', 'confirm', 'editor', 'prompt-form', 'details', 'message'] as const).map(kind => ({
			...INITIAL_APP_STATE,
			modal: {kind} as never,
		})),
	];
	for (const state of states) {
		const contexts = activeContexts(state);
		const seen = new Map<string, string>();
		for (const context of contexts) {
			for (const binding of KEY_BINDINGS.filter(candidate => candidate.context === context)) {
				for (const key of binding.keys) {
					const earlier = seen.get(key);
					// A later context may reuse a key on purpose only when an earlier one shadows it deliberately: none do.
					t.is(earlier, undefined, `${key} is bound to ${earlier} and ${binding.id} in ${contexts.join(',')}`);
					seen.set(key, binding.id);
				}
			}
		}
	}
});

test('destructive commands confirm with a key that differs from the trigger', t => {
	const confirmKeys: readonly string[] = KEY_BINDINGS.filter(binding => binding.context === 'confirm' && binding.id !== 'confirm.no').flatMap(binding => [...binding.keys]);
	for (const id of ['run.cancel', 'run.delete', 'prompt.delete']) {
		const trigger = KEY_BINDINGS.find(binding => binding.id === id)!;
		for (const key of trigger.keys) t.false(confirmKeys.includes(key), `${id}: ${key}`);
	}
});

test('key presses: named keys, ctrl keys, typed characters one by one, pastes whole in text fields', t => {
	t.deepEqual(keyPresses('', {...NO_KEY, downArrow: true}), [{name: 'down', text: ''}]);
	t.deepEqual(keyPresses('', {...NO_KEY, tab: true, shift: true}), [{name: 'shift+tab', text: ''}]);
	t.deepEqual(keyPresses('u', {...NO_KEY, ctrl: true}), [{name: 'ctrl+u', text: ''}]);
	t.deepEqual(keyPresses('', {...NO_KEY, escape: true, meta: true}), [{name: 'esc', text: ''}]);
	t.deepEqual(keyPresses('j', {...NO_KEY, meta: true}), [], 'alt-j is ignored, not read as j');
	t.deepEqual(keyPresses('jjG', NO_KEY).map(press => press.name), ['j', 'j', 'G']);
	t.deepEqual(keyPresses('a street', NO_KEY, true), [{name: '<paste>', text: 'a street'}]);
	t.deepEqual(keyPresses('\u0015/data/x\t', NO_KEY, true), [
		{name: 'ctrl+u', text: ''},
		{name: '<paste>', text: '/data/x'},
		{name: 'tab', text: ''},
	]);
});

test('resolution follows context order; pseudo keys match classes of characters', t => {
	const runs = activeContexts({...INITIAL_APP_STATE, focus: 'runs'});
	t.is(resolveBinding(runs, {name: 'enter', text: ''})?.id, 'run.details');
	t.is(resolveBinding(activeContexts({...INITIAL_APP_STATE, focus: 'prompts'}), {name: 'enter', text: ''})?.id, 'prompt.open');
	t.is(resolveBinding(runs, {name: 'x', text: 'x'})?.id, 'run.cancel');
	t.is(resolveBinding(activeContexts({...INITIAL_APP_STATE, focus: 'prompts'}), {name: 'x', text: 'x'}), null, 'no run actions on the prompts pane');
	t.is(resolveBinding(['editor'], {name: '7', text: '7'})?.id, 'editor.type');
	t.is(resolveBinding(['editor'], {name: 'x', text: 'x'}), null);
	t.is(resolveBinding(['filter', 'always'], {name: 'q', text: 'q'})?.id, 'filter.type', 'q types in a filter');
	t.is(resolveBinding(['filter', 'always'], {name: 'ctrl+c', text: ''})?.id, 'app.interrupt', 'ctrl-c quits from anywhere');
	t.is(resolveBinding(['confirm', 'always'], {name: 'x', text: 'x'}), null, 'the kill key does nothing in the confirmation');
});

test('help lists every binding; the bar shows the marked ones of the active contexts', t => {
	const lines = helpLines();
	const described = lines.flatMap(line => (line.kind === 'binding' ? [line.description] : []));
	for (const binding of KEY_BINDINGS) t.true(described.includes(binding.description), binding.id);
	const hints = barHints(activeContexts({...INITIAL_APP_STATE, focus: 'logs'}) as KeyContext[]).map(hint => hint.label);
	t.true(hints.includes('wrap') && hints.includes('cancel') && hints.includes('help'));
	t.false(hints.includes('its runs'));
});

test('the queue view: K/J or shift-up/down move, T/B to the ends, p pauses; x and e still act on the run', t => {
	const queue = activeContexts({...INITIAL_APP_STATE, focus: 'queue'});
	t.is(resolveBinding(queue, {name: 'K', text: 'K'})?.id, 'queue.up');
	t.is(resolveBinding(queue, {name: 'J', text: 'J'})?.id, 'queue.down');
	t.is(resolveBinding(queue, keyPresses('', {...NO_KEY, upArrow: true, shift: true})[0]!)?.id, 'queue.up');
	t.is(resolveBinding(queue, keyPresses('', {...NO_KEY, downArrow: true, shift: true})[0]!)?.id, 'queue.down');
	t.is(resolveBinding(queue, {name: 'k', text: 'k'})?.id, 'nav.up', 'k still moves the cursor');
	t.is(resolveBinding(queue, {name: 'T', text: 'T'})?.id, 'queue.top');
	t.is(resolveBinding(queue, {name: 'B', text: 'B'})?.id, 'queue.bottom');
	t.is(resolveBinding(queue, {name: 'p', text: 'p'})?.id, 'queue.pause');
	t.is(resolveBinding(queue, {name: 'x', text: 'x'})?.id, 'run.cancel');
	t.is(resolveBinding(queue, {name: '4', text: '4'})?.id, 'focus.queue');
	t.is(resolveBinding(activeContexts({...INITIAL_APP_STATE, focus: 'runs'}), {name: 'K', text: 'K'}), null, 'K only means something in the queue view');
	t.is(resolveBinding(['editor'], {name: ',', text: ','})?.id, 'editor.type', 'lists can be typed in the form');
	t.is(resolveBinding(['editor'], {name: ':', text: ':'})?.id, 'editor.type', 'and ranges');
});

test('help: the keys of where ? was pressed come first; a filter keeps matching lines under their titles', t => {
	const fromLogs = helpLines(activeContexts({...INITIAL_APP_STATE, focus: 'logs'}));
	t.deepEqual(fromLogs.filter(line => line.kind === 'title').slice(0, 2), [{kind: 'title', text: 'Logs pane'}, {kind: 'title', text: 'Selected run (runs, logs and queue)'}]);
	t.is(fromLogs.filter(line => line.kind === 'title').length, helpLines().filter(line => line.kind === 'title').length, 'every section still shows');
	const fromDetails = helpLines(activeContexts({...INITIAL_APP_STATE, modal: {kind: 'details', runId: 'rs_1'}}));
	t.deepEqual(fromDetails[0], {kind: 'title', text: 'Run details'});

	const wrap = helpLines([], 'wrap');
	t.deepEqual(wrap.filter(line => line.kind !== 'gap'), [
		{kind: 'title', text: 'Logs pane'},
		{kind: 'binding', keys: 'w', description: 'Wrap long lines, or cut them'},
	]);
	const byKey = helpLines([], 'PgDn').filter(line => line.kind === 'binding');
	t.true(byKey.length >= 2 && byKey.every(line => line.kind === 'binding' && line.keys.includes('PgDn')), 'a key name matches too');
	t.deepEqual(helpLines([], 'no such key anywhere'), []);
});

test('help: with a width, long descriptions go on under themselves instead of being cut', t => {
	const lines = helpLines([], 'Pause or resume', 30).filter(line => line.kind === 'binding');
	t.true(lines.length > 1);
	t.is(lines[0]!.kind === 'binding' && lines[0]!.keys, 'p');
	t.true(lines.slice(1).every(line => line.kind === 'binding' && line.keys === '' && line.description.length <= 30));
	const whole = KEY_BINDINGS.find(binding => binding.id === 'queue.pause')!.description;
	t.is(lines.map(line => (line.kind === 'binding' ? line.description : '')).join(' '), whole);
});

test('the help filter takes the keys while typed: q types, Esc clears, Enter keeps', t => {
	const typing = activeContexts({...INITIAL_APP_STATE, modal: {kind: 'help', scroll: 0, filter: 'x', typing: true}});
	t.is(resolveBinding(typing, {name: 'q', text: 'q'})?.id, 'help-filter.type');
	t.is(resolveBinding(typing, {name: 'esc', text: ''})?.id, 'help-filter.cancel');
	t.is(resolveBinding(typing, {name: 'enter', text: ''})?.id, 'help-filter.apply');
	const reading = activeContexts({...INITIAL_APP_STATE, modal: {kind: 'help', scroll: 0, filter: 'x', typing: false}});
	t.is(resolveBinding(reading, {name: '/', text: '/'})?.id, 'help.filter');
	t.is(resolveBinding(reading, {name: 'q', text: 'q'})?.id, 'help.close');
});
