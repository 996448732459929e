// cosmos-sim's launcher entry: the image's `torchrun` and `python` run
// `node /opt/cosmos-sim/launch.mjs torchrun|python <the launcher's arguments...>`. It picks the
// stand-in for the script named: upsampler.mjs for .../upsampler_pipeline.py (the standalone
// prompt upsampler), transfer.mjs for everything else (which answers for transfer.py and refuses
// other scripts as python would). process.argv is passed on unchanged.
import {basename} from 'node:path';
import {parseLauncher} from './args.mjs';

function scriptOf(argv) {
	try {
		const parsed = parseLauncher(argv[2] === 'python' ? 'python' : 'torchrun', argv.slice(3));
		return parsed.module ? '' : parsed.script;
	} catch {
		return ''; // transfer.mjs reports the launcher's usage errors itself
	}
}

if (basename(scriptOf(process.argv)) === 'upsampler_pipeline.py') await import('./upsampler.mjs');
else await import('./transfer.mjs');
