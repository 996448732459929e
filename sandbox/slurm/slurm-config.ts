// The text of one sandbox cluster's slurm.conf and gres.conf (pure, so it is tested on its own).
// Settings measured in /work/shared/notes/slurm-single-machine.md: no cgroups or systemd here, so
// linuxproc process tracking and no task plugin; fake GPUs are device files (a count-only gres
// line makes slurmd drop the GPUs and drain the node).
import {join} from 'node:path';

export type SlurmLayout = {
	/** Distinct per running cluster (jobs see it as SLURM_CLUSTER_NAME; their ids start at 1 in every cluster). */
	clusterName: string;
	/** The cluster's private folder; everything below lives in it. */
	dir: string;
	/** Must equal the machine's short hostname: slurmd finds its node line by that name. */
	nodeName: string;
	partition: string;
	gpus: number;
	slurmctldPort: number;
	slurmdPort: number;
};

export const slurmPaths = (dir: string) => ({
	confPath: join(dir, 'slurm.conf'),
	gresConfPath: join(dir, 'gres.conf'),
	ctldStateDir: join(dir, 'state', 'ctld'),
	slurmdSpoolDir: join(dir, 'state', 'd'),
	runDir: join(dir, 'run'),
	logDir: join(dir, 'log'),
	fakeDevDir: join(dir, 'fakedev'),
	slurmctldPidPath: join(dir, 'run', 'slurmctld.pid'),
	slurmdPidPath: join(dir, 'run', 'slurmd.pid'),
	slurmctldLogPath: join(dir, 'log', 'slurmctld.log'),
	slurmdLogPath: join(dir, 'log', 'slurmd.log'),
	jobCompPath: join(dir, 'log', 'jobcomp.txt'),
});

/** Device files standing in for /dev/nvidia<N> (major 195 as the real driver; nothing ever opens them). */
export function fakeGpuDevices(dir: string, gpus: number): Array<{path: string; minor: number}> {
	return Array.from({length: gpus}, (_, minor) => ({path: join(slurmPaths(dir).fakeDevDir, `nvidia${minor}`), minor}));
}

export function slurmConf(layout: SlurmLayout): string {
	const paths = slurmPaths(layout.dir);
	const gres = layout.gpus > 0 ? ` Gres=gpu:${layout.gpus}` : '';
	return [
		'# Written by sandbox/slurm/slurm-cluster.ts for one sandbox cluster.',
		`ClusterName=${layout.clusterName}`,
		`SlurmctldHost=${layout.nodeName}(127.0.0.1)`,
		'SlurmUser=root',
		'SlurmdUser=root',
		'AuthType=auth/munge',
		'CredType=cred/munge',
		`SlurmctldPort=${layout.slurmctldPort}`,
		`SlurmdPort=${layout.slurmdPort}`,
		`StateSaveLocation=${paths.ctldStateDir}`,
		`SlurmdSpoolDir=${paths.slurmdSpoolDir}`,
		`SlurmctldPidFile=${paths.slurmctldPidPath}`,
		`SlurmdPidFile=${paths.slurmdPidPath}`,
		`SlurmctldLogFile=${paths.slurmctldLogPath}`,
		`SlurmdLogFile=${paths.slurmdLogPath}`,
		'ProctrackType=proctrack/linuxproc',
		'TaskPlugin=task/none',
		'JobAcctGatherType=jobacct_gather/linux',
		'AccountingStorageType=accounting_storage/none',
		// No slurmdbd here (sacct says accounting is disabled); each finished job's state and exit code land in this file.
		'JobCompType=jobcomp/filetxt',
		`JobCompLoc=${paths.jobCompPath}`,
		'SelectType=select/cons_tres',
		'SelectTypeParameters=CR_Core',
		'SchedulerParameters=sched_interval=2,batch_sched_delay=0',
		// Finished jobs stay visible to squeue/scontrol this long (seconds).
		'MinJobAge=300',
		'KillWait=5',
		'ReturnToService=2',
		'MpiDefault=none',
		'GresTypes=gpu',
		// Lets the node claim more CPUs and memory than this machine has.
		'SlurmdParameters=config_overrides',
		`NodeName=${layout.nodeName} NodeAddr=127.0.0.1 CPUs=8 RealMemory=8000${gres} State=UNKNOWN`,
		`PartitionName=${layout.partition} Nodes=${layout.nodeName} Default=YES MaxTime=INFINITE State=UP`,
		'',
	].join('\n');
}

export function gresConf(layout: SlurmLayout): string {
	const lines = ['AutoDetect=off'];
	if (layout.gpus > 0) {
		const last = layout.gpus - 1;
		const files = join(slurmPaths(layout.dir).fakeDevDir, last === 0 ? 'nvidia0' : `nvidia[0-${last}]`);
		lines.push(`NodeName=${layout.nodeName} Name=gpu File=${files}`);
	}
	return `${lines.join('\n')}\n`;
}
