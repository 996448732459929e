// `npm run sandbox`: starts one sandbox GPU host, writes .sandbox/config.toml for cosmos-tui,
// and keeps the host up until ctrl-c. `npm run sandbox -- --slurm`: the host is the login node of a
// single-machine Slurm cluster (sandbox/slurm/), and the config's host has kind = "slurm".
// Needs root (see sandbox/host/sandbox-host.ts).
import {mkdirSync, writeFileSync} from 'node:fs';
import {relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {sandboxConfigToml, sandboxDataDir} from './host/cosmos-config.js';
import {startSandboxHost} from './host/sandbox-host.js';
import {startSlurmSandbox} from './slurm/slurm-host.js';

const sandboxFolder = fileURLToPath(new URL('../.sandbox/', import.meta.url));
const configPath = `${sandboxFolder}config.toml`;

const slurm = process.argv.includes('--slurm');
console.log(`Starting the sandbox GPU host${slurm ? ' and its Slurm cluster' : ''} (installs packages and builds cosmos-sim on first use)...`);
const cluster = slurm ? await startSlurmSandbox({gpus: 2}) : null;
const host = cluster?.sandbox ?? (await startSandboxHost());
const stop = () => (cluster ? cluster.stop() : host.stop());

// The user's own data folder (from their config, else ./data): their prompts and runs stay in view.
const dataDir = sandboxDataDir(process.env, process.cwd());
mkdirSync(dataDir, {recursive: true});
mkdirSync(sandboxFolder, {recursive: true});
writeFileSync(configPath, sandboxConfigToml(host, dataDir, {slurm}));

const shownConfig = relative(process.cwd(), configPath) || configPath;
console.log(`
Sandbox GPU host up on ${host.host}:${host.port} as ${host.username} (machine set-up ${host.timings.machineMs} ms${host.timings.imageBuilt ? ', image built' : ''}, start ${host.timings.startMs} ms).
Config:   ${shownConfig}
Data:     ${dataDir} (your data folder: prompts and runs as before)
Use it:   npm start -- --config ${shownConfig}
Shell:    ssh -i ${host.privateKeyPath} -o UserKnownHostsFile=${host.knownHostsPath} -p ${host.port} ${host.username}@${host.host}
Remote:   ${host.remoteDir} (checkpoints/ is there, empty)
${cluster ? `Slurm:    partition ${cluster.cluster.partition}, ${cluster.cluster.gpus} GPUs on node ${cluster.cluster.nodeName}; on the host: SLURM_CONF=${cluster.cluster.confPath} squeue` : `GPUs:     ${host.gpusPath} (what nvidia-smi reports; edit or delete it)`}
Stand-in: put [cosmos-sim oom] or [cosmos-sim mode=slow seconds=30 clips=3] in a prompt's text to pick how its runs behave
          (modes ok, slow, stall, flood, oom, guardrail, crash, hostile, exit); ${host.remoteDir}/cosmos-sim.json sets the default.
Press ctrl-c to stop.`);

const keepAlive = setInterval(() => {}, 1 << 30);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping the sandbox GPU host...');
		void stop().finally(() => {
			clearInterval(keepAlive);
			process.exit(0);
		});
	});
}
