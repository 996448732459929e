// The new-prompt form's reducer: the four fields in order, Enter on empty text, and what is sent.
import test from 'ava';
import {createdMessage, openPromptForm, promptRequest, reducePromptForm, type PromptFormAction, type PromptFormState} from '../../source/ui/state/prompt-form.js';

const apply = (state: PromptFormState, ...actions: PromptFormAction[]) => actions.reduce(reducePromptForm, state);

test('the fields go text, name, negative, folder, and wrap around', t => {
	const form = openPromptForm('/data/street/');
	t.is(form.field, 'text');
	const fields = [1, 2, 3, 4].map(count => apply(form, ...Array.from({length: count}, () => ({type: 'move', direction: 1}) as const)).field);
	t.deepEqual(fields, ['name', 'negative', 'folder', 'text']);
	t.is(apply(form, {type: 'move', direction: -1}).field, 'folder');
	const typed = apply(form, {type: 'type', text: 'a pier'}, {type: 'move', direction: 1}, {type: 'type', text: 'pier'}, {type: 'move', direction: 1}, {type: 'type', text: 'blurry\nugly'});
	t.deepEqual([typed.text, typed.name, typed.negative, typed.folder], ['a pier', 'pier', 'blurry ugly', '/data/street/'], 'typing goes to the focused field');
	t.is(apply(typed, {type: 'clear'}).negative, '');
});

test('Enter on empty text says why and stays; with text it moves to the next field', t => {
	const empty = apply(openPromptForm('/data/'), {type: 'type', text: '   '}, {type: 'enter'});
	t.is(empty.field, 'text');
	t.is(empty.error, 'write the prompt text first');
	t.is(apply(empty, {type: 'type', text: 'x'}).error, null, 'the next key clears it');
	const moved = apply(openPromptForm('/data/'), {type: 'type', text: 'a pier'}, {type: 'enter'});
	t.is(moved.field, 'name');
	t.is(moved.error, null);
	t.is(apply(moved, {type: 'enter'}, {type: 'enter'}).field, 'folder', 'an empty name and negative are fine');
	const submitted = apply(openPromptForm('/data/'), {type: 'move', direction: -1}, {type: 'submitting'});
	t.false(submitted.submitting);
	t.is(submitted.field, 'text', 'submitting without text goes back to it');
	t.is(submitted.error, 'write the prompt text first');
});

test('an empty name or negative prompt is left to the service (made from the text, the config default)', t => {
	const form = apply(openPromptForm(' /data/street/ '), {type: 'type', text: 'a pier at dawn'});
	t.deepEqual(promptRequest(form), {text: 'a pier at dawn', videoDir: '/data/street/'});
	const named = apply(form, {type: 'move', direction: 1}, {type: 'type', text: ' pier '}, {type: 'move', direction: 1}, {type: 'type', text: 'blurry'});
	t.deepEqual(promptRequest(named), {text: 'a pier at dawn', videoDir: '/data/street/', name: 'pier', negative: 'blurry'});
});

test('the message after creating says when an existing prompt kept its own name or negative prompt', t => {
	const prompt = {name: 'pier'};
	t.is(createdMessage({prompt, created: true, kept: []}), 'prompt pier created; r runs it');
	t.is(createdMessage({prompt, created: false, kept: []}), 'the same prompt exists already: pier');
	t.is(
		createdMessage({prompt, created: false, kept: ['name', 'negative prompt']}),
		'the same prompt exists already as pier, with another name and negative prompt; the stored one was kept (the same text and videos make the same prompt)',
	);
});
