// The sandbox Slurm cluster's generated files and the small parsers its tests use (no daemons).
import test from 'ava';
import {gresConf, slurmConf} from '../../sandbox/slurm/slurm-config.js';
import {withSshdEnv} from '../../sandbox/slurm/slurm-host.js';
import {parseScontrolRecords} from '../helpers/slurm-cluster.js';

const layout = {clusterName: 'sandbox40001', dir: '/tmp/cosmos-slurm-x', nodeName: 'vm', partition: 'gpu', gpus: 2, slurmctldPort: 40001, slurmdPort: 40002};

const settings = (text: string) => text.split('\n').filter(line => line !== '' && !line.startsWith('#'));

test('slurm.conf uses the given ports, keeps every path inside the folder and declares the GPUs', t => {
	const lines = settings(slurmConf(layout));
	t.true(lines.includes('ClusterName=sandbox40001'));
	t.true(lines.includes('SlurmctldPort=40001'));
	t.true(lines.includes('SlurmdPort=40002'));
	t.true(lines.includes('SlurmctldHost=vm(127.0.0.1)'));
	t.true(lines.includes('NodeName=vm NodeAddr=127.0.0.1 CPUs=8 RealMemory=8000 Gres=gpu:2 State=UNKNOWN'));
	t.true(lines.includes('PartitionName=gpu Nodes=vm Default=YES MaxTime=INFINITE State=UP'));
	const paths = lines.filter(line => /^(StateSaveLocation|SlurmdSpoolDir|\w+PidFile|\w+LogFile|JobCompLoc)=/.test(line));
	t.is(paths.length, 7);
	for (const line of paths) t.true(line.split('=')[1]!.startsWith('/tmp/cosmos-slurm-x/'), line);
});

test('gres.conf names one device file per GPU (a count-only line would drain the node)', t => {
	t.is(gresConf(layout), 'AutoDetect=off\nNodeName=vm Name=gpu File=/tmp/cosmos-slurm-x/fakedev/nvidia[0-1]\n');
	t.is(gresConf({...layout, gpus: 1}), 'AutoDetect=off\nNodeName=vm Name=gpu File=/tmp/cosmos-slurm-x/fakedev/nvidia0\n');
	t.is(gresConf({...layout, gpus: 0}), 'AutoDetect=off\n');
	t.false(slurmConf({...layout, gpus: 0}).includes('Gres='));
});

test('withSshdEnv extends the first SetEnv line (sshd ignores later ones) and refuses values with spaces', t => {
	const config = 'Port 2222\nSetEnv PATH=/bin A=1\nLogLevel VERBOSE\n';
	t.is(withSshdEnv(config, {SLURM_CONF: '/tmp/c/slurm.conf'}), 'Port 2222\nSetEnv PATH=/bin A=1 SLURM_CONF=/tmp/c/slurm.conf\nLogLevel VERBOSE\n');
	t.is(withSshdEnv('Port 2222\n', {B: '2'}), 'Port 2222\nSetEnv B=2\n');
	t.throws(() => withSshdEnv(config, {SLURM_CONF: '/tmp/a b'}));
	t.throws(() => withSshdEnv(config, {'BAD NAME': 'x'}));
});

test('parseScontrolRecords reads `scontrol show job -o` lines, values with spaces included', t => {
	const text = 'JobId=7 JobName=held-three UserId=cosmossim(1001) JobState=PENDING Reason=Resources Dependency=(null) ExitCode=0:0 AllocNode:Sid=localhost:61 Comment=two words here Power=\n'
		+ 'JobId=8 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\n';
	const [first, second] = parseScontrolRecords(text);
	t.is(first?.JobId, '7');
	t.is(first?.UserId, 'cosmossim(1001)');
	t.is(first?.Reason, 'Resources');
	t.is(first?.['AllocNode:Sid'], 'localhost:61');
	t.is(first?.Comment, 'two words here');
	t.is(first?.Power, '');
	t.deepEqual(second, {JobId: '8', JobState: 'FAILED', Reason: 'NonZeroExitCode', ExitCode: '3:0'});
});
