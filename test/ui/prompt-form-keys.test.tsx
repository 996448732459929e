// The new-prompt form driven by keys on the whole screen: Enter on empty text, Tab through text,
// name, negative prompt and folder, and an existing prompt that keeps its own name.
import {appTest} from './helpers/app-test.js';
import {serviceFixture} from '../helpers/service.js';
import {KEYS, renderApp} from './helpers/render-app.js';

const test = appTest();

test.serial('Enter on empty text says why; Tab walks text, name, negative, folder; the prompt gets its name and negative', async t => {
	const {fixture} = t.context;
	const app = (t.context.app = await renderApp(fixture));
	await app.press('c');
	await app.waitFor(frame => frame.includes('New prompt') && frame.includes('(empty: made from the text)'));
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('write the prompt text first'));
	t.regex(app.frame(), /› Text\s+▏/, 'the text field keeps the focus');
	await app.press('a foggy pier at dawn', KEYS.tab, 'pier one', KEYS.tab, 'washed out', KEYS.tab);
	await app.waitFor(frame => /› Folder/.test(frame) && frame.includes('Tab complete folder'), 'Tab moved to the folder');
	t.regex(app.frame(), /Name\s+pier one/);
	t.regex(app.frame(), /Negative\s+washed out/);
	await app.press(KEYS.ctrlU, fixture.inputs, KEYS.enter);
	await app.waitFor(frame => frame.includes('prompt pier one created; r runs it'));
	const [prompt] = fixture.service.listPrompts();
	t.is(prompt?.name, 'pier one');
	t.is(prompt?.negative_prompt, 'washed out');

	await app.press('c', 'a foggy pier at dawn', KEYS.tab, 'another', KEYS.down, KEYS.down, KEYS.ctrlU, fixture.inputs, KEYS.enter);
	await app.waitFor(frame => frame.includes('the same prompt exists already as pier one, with another name'), 'the stored name was kept, and the form says so');
	t.is(fixture.service.listPrompts().length, 1);
});

test.serial('empty name and negative take the defaults, as on the command line', async t => {
	await t.context.fixture.cleanup();
	const fixture = (t.context.fixture = await serviceFixture({configure: config => void (config.generation.negative_prompt = 'configured negative')}));
	const app = (t.context.app = await renderApp(fixture));
	await app.press('c', 'a quiet park', KEYS.enter, KEYS.enter, KEYS.enter);
	await app.waitFor(frame => /› Folder/.test(frame));
	await app.press(KEYS.ctrlU, fixture.inputs, KEYS.enter);
	await app.waitFor(frame => frame.includes('created; r runs it'));
	const [prompt] = fixture.service.listPrompts();
	t.regex(prompt?.name ?? '', /park/, 'the name is made from the text');
	t.is(prompt?.negative_prompt, 'configured negative');
});
