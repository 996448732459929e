// The dependency rule between the top-level folders of source/, checked on every import.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import ts from 'typescript';
import {REPO_ROOT} from '../helpers/temp.js';

const SOURCE_DIR = path.join(REPO_ROOT, 'source');

const LAYERS = ['domain', 'config', 'store', 'executor', 'service', 'cli', 'ui', 'format'] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import besides itself (the one place the rule is written down). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
	domain: [],
	format: ['domain'],
	config: ['domain', 'store', 'executor', 'format'],
	store: ['domain', 'config', 'executor', 'format'],
	executor: ['domain', 'config', 'store', 'format'],
	service: ['domain', 'config', 'store', 'executor', 'format'],
	ui: ['domain', 'config', 'store', 'executor', 'service', 'format'],
	// cli is the entry point: it starts the TUI, so it may import ui (ui never imports cli).
	cli: ['domain', 'config', 'store', 'executor', 'service', 'format', 'ui'],
};

const isLayer = (name: string): name is Layer => (LAYERS as readonly string[]).includes(name);

/** The top-level folder of source/ a path (relative to source/, '/'-separated) lies in. */
function layerOf(relative: string): Layer | 'outside' | 'unknown' {
	if (relative.startsWith('../') || path.posix.isAbsolute(relative)) return 'outside';
	const [first, ...rest] = relative.split('/');
	return rest.length > 0 && first !== undefined && isLayer(first) ? first : 'unknown';
}

/**
 * Why importing `specifier` from `file` (relative to source/) breaks the rule, or undefined if it does not.
 * Package specifiers ('ink', 'node:fs') are not ours and always allowed.
 */
function violation(file: string, specifier: string): string | undefined {
	if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
	const from = layerOf(file);
	const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
	const to = layerOf(target);
	if (from === 'outside' || from === 'unknown') return `${file} is not in a known folder of source/ (${LAYERS.join(', ')})`;
	if (to === 'outside') return `${specifier} leaves source/`;
	if (to === 'unknown') return `${specifier} lands outside the known folders of source/`;
	if (to === from || ALLOWED[from].includes(to)) return undefined;
	return `${from} may not import ${to}`;
}

/** Module specifiers of static imports, export-from, import-equals, dynamic import() and import('...') types. */
function importSpecifiers(fileName: string, text: string): string[] {
	const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
	const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
	const found: string[] = [];
	const add = (node: ts.Node | undefined) => {
		if (node && ts.isStringLiteralLike(node)) found.push(node.text);
	};
	const visit = (node: ts.Node): void => {
		if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
		else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
			add(node.moduleReference.expression);
		} else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
		else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

/** Every rule-breaking import of the given files (paths relative to source/), as "file -> import (why)". */
function violations(files: ReadonlyArray<{file: string; text: string}>): string[] {
	return files.flatMap(({file, text}) =>
		importSpecifiers(file, text).flatMap(specifier => {
			const why = violation(file, specifier);
			return why === undefined ? [] : [`${file} -> ${specifier} (${why})`];
		}),
	);
}

function sourceFiles(): Array<{file: string; text: string}> {
	return readdirSync(SOURCE_DIR, {recursive: true, encoding: 'utf8'})
		.filter(file => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
		.sort()
		.map(file => ({file: file.split(path.sep).join('/'), text: readFileSync(path.join(SOURCE_DIR, file), 'utf8')}));
}

test('source/ follows the dependency rule', t => {
	const files = sourceFiles();
	t.true(files.length > 20, 'the scan found the sources');
	const found = violations(files);
	t.deepEqual(found, [], `imports that break the dependency rule:\n${found.join('\n')}`);
});

test('the rule itself: made-up imports that must and must not be reported', t => {
	t.is(violation('domain/validate.ts', '../config/schema.js'), 'domain may not import config');
	t.is(violation('domain/validate.ts', './model.js'), undefined);
	t.is(violation('domain/validate.ts', 'node:path'), undefined, 'packages are not ours');
	t.is(violation('config/schema.ts', '../domain/parameter-rules.js'), undefined);
	t.is(violation('config/schema.ts', '../service/events.js'), 'config may not import service');
	t.is(violation('store/open.ts', '../cli/flags.js'), 'store may not import cli');
	t.is(violation('executor/x.ts', '../ui/launch.js'), 'executor may not import ui');
	t.is(violation('service/scheduler/leases.ts', '../../ui/text/sanitize.js'), 'service may not import ui', 'nested folders');
	t.is(violation('service/scheduler/leases.ts', '../../store/index.js'), undefined);
	t.is(violation('service/a.ts', '../cli/b.js'), 'service may not import cli');
	t.is(violation('format/format.ts', '../store/index.js'), 'format may not import store');
	t.is(violation('format/format.ts', '../domain/model.js'), undefined);
	t.is(violation('ui/session.tsx', '../service/workflow-service.js'), undefined);
	t.is(violation('ui/session.tsx', '../cli/run-cli.js'), 'ui may not import cli');
	t.is(violation('cli/run-cli.ts', '../ui/launch.js'), undefined);
	t.is(violation('domain/a.ts', '../../test/helpers/temp.js'), '../../test/helpers/temp.js leaves source/');
	t.is(violation('domain/a.ts', '../main.js'), '../main.js lands outside the known folders of source/');
	t.is(violation('domain/a.ts', '../domain/../config/x.js'), 'domain may not import config', 'normalised');
});

test('the scanner sees every kind of import, and nothing in strings or comments', t => {
	const text = [
		"import {a} from '../config/a.js';",
		"import type {B} from '../store/b.js';",
		"import '../ui/side-effect.js';",
		"export {c} from '../cli/c.js';",
		"export * from '../service/d.js';",
		"const e = await import('../executor/e.js');",
		"type F = import('../format/f.js').F;",
		"import g = require('../ui/g.js');",
		"const text = \"import {h} from '../ui/h.js'\"; // import('../ui/i.js')",
		'const J = () => <div>{"from \'../ui/j.js\'"}</div>;',
	].join('\n');
	t.deepEqual(importSpecifiers('domain/x.tsx', text), [
		'../config/a.js',
		'../store/b.js',
		'../ui/side-effect.js',
		'../cli/c.js',
		'../service/d.js',
		'../executor/e.js',
		'../format/f.js',
		'../ui/g.js',
	]);
	const found = violations([{file: 'domain/x.tsx', text}, {file: 'format/y.ts', text: "import {z} from '../domain/z.js';"}]);
	t.is(found.length, 8);
	t.is(found[0], 'domain/x.tsx -> ../config/a.js (domain may not import config)');
});
