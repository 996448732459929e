// What the start screen says when no GPU host is configured (a first start, or a config without
// a host): where the config file is looked for, how to write one, and how to try the sandbox.
// Pure: the lines for the screen, from where the CLI looked.
import type {ConfigCandidate} from '../../config/load-config.js';

export type SetupInfo = {
	/** Where the config file is looked for, in order (configCandidates). */
	configFiles: readonly ConfigCandidate[];
	/** The file that was read, or null when none was found. */
	configSource: string | null;
	/** What the user types to run us (cosmos-tui, npx cosmos-tui, ...). */
	invocation: string;
	home?: string;
};

export type GuideLine = {text: string; tone?: 'title' | 'command' | 'dim'};

const FROM: Record<ConfigCandidate['from'], string> = {
	'--config': 'the --config flag',
	COSMOS_CONFIG: 'COSMOS_CONFIG',
	'working folder': 'the working folder',
	'user config': 'your user config',
};

/** ~ for the home folder: paths stay short enough for an 80-column screen. */
function shortPath(file: string, home: string | undefined): string {
	return home && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}

export function setupGuide(info: SetupInfo): GuideLine[] {
	const {invocation, home} = info;
	const lines: GuideLine[] = [{text: 'No GPU host configured yet', tone: 'title'}];
	if (info.configSource) {
		lines.push({text: `Config read from ${shortPath(info.configSource, home)}: it has no [remote] host and no [hosts.NAME].`});
	} else {
		lines.push({text: 'No config file found. Looked for, in order:'});
		info.configFiles.forEach((candidate, index) => lines.push({text: `  ${index + 1}. ${shortPath(candidate.file, home)}  (${FROM[candidate.from]})`}));
		if (info.configFiles.every(candidate => candidate.from !== '--config' && candidate.from !== 'COSMOS_CONFIG')) {
			lines.push({text: '  (or the file --config FILE or COSMOS_CONFIG=FILE names)', tone: 'dim'});
		}
	}
	lines.push(
		{text: ''},
		{text: 'Write one (asks for the host, user and key, then checks it):'},
		{text: `  ${invocation} init`, tone: 'command'},
		{text: 'Or try everything on this machine with a sandbox GPU host (needs root):'},
		{text: '  npm run sandbox', tone: 'command'},
		{text: '  then, in another terminal: npm start -- --config .sandbox/config.toml', tone: 'command'},
		{text: ''},
		{text: `After editing it: ${invocation} doctor checks the host; then start again.`, tone: 'dim'},
	);
	return lines;
}
