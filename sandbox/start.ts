// `npm run sandbox`: starts one sandbox GPU host, writes .sandbox/config.toml for cosmos-tui,
// and keeps the host up until ctrl-c. Needs root (see sandbox/host/sandbox-host.ts).
import {mkdirSync, writeFileSync} from 'node:fs';
import {relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {sandboxConfigToml, sandboxDataDir} from './host/cosmos-config.js';
import {startSandboxHost} from './host/sandbox-host.js';

const sandboxFolder = fileURLToPath(new URL('../.sandbox/', import.meta.url));
const configPath = `${sandboxFolder}config.toml`;

console.log('Starting the sandbox GPU host (installs packages and builds cosmos-sim on first use)...');
const host = await startSandboxHost();

// The user's own data folder (from their config, else ./data): their prompts and runs stay in view.
const dataDir = sandboxDataDir(process.env, process.cwd());
mkdirSync(dataDir, {recursive: true});
writeFileSync(configPath, sandboxConfigToml(host, dataDir));

const shownConfig = relative(process.cwd(), configPath) || configPath;
console.log(`
Sandbox GPU host up on ${host.host}:${host.port} as ${host.username} (machine set-up ${host.timings.machineMs} ms${host.timings.imageBuilt ? ', image built' : ''}, start ${host.timings.startMs} ms).
Config:   ${shownConfig}
Data:     ${dataDir} (your data folder: prompts and runs as before)
Use it:   npm start -- --config ${shownConfig}
Shell:    ssh -i ${host.privateKeyPath} -o UserKnownHostsFile=${host.knownHostsPath} -p ${host.port} ${host.username}@${host.host}
Remote:   ${host.remoteDir} (checkpoints/ is there, empty)
GPUs:     ${host.gpusPath} (what nvidia-smi reports; edit or delete it)
Stand-in: put [cosmos-sim oom] or [cosmos-sim mode=slow seconds=30 clips=3] in a prompt's text to pick how its runs behave
          (modes ok, slow, stall, flood, oom, guardrail, crash, hostile); ${host.remoteDir}/cosmos-sim.json sets the default.
Press ctrl-c to stop.`);

const keepAlive = setInterval(() => {}, 1 << 30);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping the sandbox GPU host...');
		void host.stop().finally(() => {
			clearInterval(keepAlive);
			process.exit(0);
		});
	});
}
