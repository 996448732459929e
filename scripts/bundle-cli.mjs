// After tsc: the command line as a few ES modules in dist/cli/ instead of ~150, so a command such as
// `list runs` starts in about half the time (module loading was most of it). Packages stay in
// node_modules. The full-screen UI is a second entry, loaded only when it starts; code both use
// lives in shared chunks, so every module exists once (one class per error type).
// test/cli/bundle.test.ts runs it with a temp folder as its argument and uses what it makes.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles from source/ (TypeScript) into outdir: main.js (the bin), launch.js (the UI), chunks. */
async function bundleCli(outdir) {
	await build({
		entryPoints: [path.join(root, 'source/cli/main.ts'), path.join(root, 'source/ui/launch.ts')],
		bundle: true,
		splitting: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		jsx: 'automatic',
		outdir,
		entryNames: '[name]',
		chunkNames: 'chunk-[hash]',
		logLevel: 'warning',
	});
}

await bundleCli(path.resolve(process.argv[2] ?? path.join(root, 'dist/cli')));
