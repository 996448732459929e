// `npm run sandbox`: starts one sandbox GPU host, writes .sandbox/config.toml for cosmos-tui,
// and keeps the host up until ctrl-c. Needs root (see sandbox/host/sandbox-host.ts).
import {mkdirSync, writeFileSync} from 'node:fs';
import {relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {sandboxConfigToml} from './host/cosmos-config.js';
import {startSandboxHost} from './host/sandbox-host.js';

const sandboxFolder = fileURLToPath(new URL('../.sandbox/', import.meta.url));
const configPath = `${sandboxFolder}config.toml`;

console.log('Starting the sandbox GPU host (installs packages and builds cosmos-sim on first use)...');
const host = await startSandboxHost();

mkdirSync(`${sandboxFolder}data`, {recursive: true});
writeFileSync(configPath, sandboxConfigToml(host, './.sandbox/data'));

const shownConfig = relative(process.cwd(), configPath) || configPath;
console.log(`
Sandbox GPU host up on ${host.host}:${host.port} as ${host.username} (machine set-up ${host.timings.machineMs} ms${host.timings.imageBuilt ? ', image built' : ''}, start ${host.timings.startMs} ms).
Config:   ${shownConfig}
Use it:   npm start -- --config ${shownConfig}
Shell:    ssh -i ${host.privateKeyPath} -o UserKnownHostsFile=${host.knownHostsPath} -p ${host.port} ${host.username}@${host.host}
Remote:   ${host.remoteDir} (checkpoints/ is there, empty)
GPUs:     ${host.gpusPath} (what nvidia-smi reports; edit or delete it)
Stand-in: a spec's "cosmos_sim": {"mode": "ok|slow|stall|flood|oom|guardrail|crash|hostile", "seconds": 30, "clips": 3} picks the behaviour.
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
