// The files a Slurm run adds to its run folder on the host (remote-layout.ts has the rest):
//   runs/<run-id>/job.sh        the batch script (uploaded by SFTP, never on a command line)
//   runs/<run-id>/slurm.out     the job's merged stdout and stderr (sbatch --output)
//   runs/<run-id>/exit_code     written by the job script: the state source once Slurm forgot the job
//   runs/<run-id>/slurm_job_id  the job id sbatch gave, for reconcile() after Slurm forgot the job
// The job is named like the Docker host's container, cosmos-tui-<run-id> (containerNameFor).
export type SlurmRunFiles = {jobScript: string; output: string; exitFile: string; jobIdFile: string};

export function slurmRunFiles(runDir: string): SlurmRunFiles {
	return {
		jobScript: `${runDir}/job.sh`,
		output: `${runDir}/slurm.out`,
		exitFile: `${runDir}/exit_code`,
		jobIdFile: `${runDir}/slurm_job_id`,
	};
}

const JOB_ID = /^\d+(?:_\d+)?$/;

/** A Slurm job id as sbatch --parsable prints it ("123" or "123;cluster"); null when it is none. */
export function parseSubmittedJobId(stdout: string): string | null {
	const first = stdout.trim().split('\n')[0]?.split(';')[0]?.trim() ?? '';
	return JOB_ID.test(first) ? first : null;
}

/** Refuses anything but a job id where one goes on a command line (a handle from the store). */
export function checkJobId(jobId: string): string {
	if (!JOB_ID.test(jobId)) throw new Error(`not a Slurm job id: ${JSON.stringify(jobId)}`);
	return jobId;
}
