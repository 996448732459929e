// `docker logs` for the sandbox host, reading podman's k8s-file container log directly.
// Why: podman 4.3's own `logs --follow` drops lines from long logs (containers/podman#21914:
// with 100k lines it skipped thousands in the middle), which a real Docker host never does.
// Handles: -f/--follow, -t/--timestamps, -n/--tail N|all, --since, --until, --details (ignored).
// Anything else is handed to `podman logs` unchanged. Runs as root (via sudo from the docker shim).
import {spawn, spawnSync} from 'node:child_process';
import {closeSync, openSync, readSync, watch} from 'node:fs';

const PODMAN = '/usr/bin/podman';
const argv = process.argv.slice(2);

function fallback() {
	const result = spawnSync(PODMAN, ['--runtime', 'runc', 'logs', ...argv], {stdio: 'inherit'});
	process.exit(result.status ?? 1);
}

function fail(message) {
	process.stderr.write(`Error: ${message}\n`);
	process.exit(125);
}

const DURATION = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const UNITS = {ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000};

/** Docker accepts RFC 3339 times, Unix seconds and durations relative to now (e.g. 10m). */
function parseTime(value, flag) {
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	if (DURATION.test(value)) {
		let ms = 0;
		for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(n) * UNITS[unit];
		return Date.now() - ms;
	}
	const parsed = Date.parse(value);
	if (Number.isNaN(parsed)) fail(`invalid value for ${flag}: ${value}`);
	return parsed;
}

const options = {follow: false, timestamps: false, tail: -1, since: -Infinity, until: Infinity, name: ''};
for (let i = 0; i < argv.length; i++) {
	const arg = argv[i];
	const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
	const value = () => inline ?? argv[++i] ?? fail(`flag needs an argument: ${flag}`);
	if (flag === '-f' || flag === '--follow') options.follow = true;
	else if (flag === '-t' || flag === '--timestamps') options.timestamps = true;
	else if (flag === '--details') continue;
	else if (flag === '-n' || flag === '--tail') {
		const tail = value();
		options.tail = tail === 'all' ? -1 : /^\d+$/.test(tail) ? Number(tail) : fail(`invalid tail value: ${tail}`);
	} else if (flag === '--since') options.since = parseTime(value(), flag);
	else if (flag === '--until') options.until = parseTime(value(), flag);
	else if (/^-[ft]+$/.test(flag)) {
		options.follow ||= flag.includes('f');
		options.timestamps ||= flag.includes('t');
	} else if (flag.startsWith('-') || options.name) fallback();
	else options.name = arg;
}
if (!options.name) fail('"docker logs" requires exactly 1 argument');

const inspected = spawnSync(PODMAN, ['container', 'inspect', '--format', '{{.Id}}\t{{.HostConfig.LogConfig.Type}}\t{{.HostConfig.LogConfig.Path}}', options.name], {encoding: 'utf8'});
if (inspected.status !== 0) {
	process.stderr.write(inspected.stderr);
	process.exit(125);
}
const [id, driver, logPath] = inspected.stdout.trim().split('\t');
if (driver !== 'k8s-file' && driver !== 'json-file') fallback();

// The reader went away (e.g. the SSH channel closed): stop quietly.
process.stdout.on('error', () => process.exit(0));
process.stderr.on('error', () => process.exit(0));

// k8s-file entries: `<RFC3339Nano time> <stdout|stderr> <P|F> <content>\n`; P = partial line.
let pending = Buffer.alloc(0);
let lineStart = {stdout: true, stderr: true};
let out = {stream: 'stdout', chunks: []};

function flush() {
	if (out.chunks.length === 0) return;
	(out.stream === 'stderr' ? process.stderr : process.stdout).write(Buffer.concat(out.chunks));
	out.chunks = [];
}

function emit(entry) {
	const time = Date.parse(entry.time);
	if (time < options.since) return;
	if (time >= options.until) return 'stop';
	if (out.stream !== entry.stream) {
		flush();
		out.stream = entry.stream;
	}
	if (options.timestamps && lineStart[entry.stream]) out.chunks.push(Buffer.from(`${entry.time} `));
	out.chunks.push(entry.content);
	if (!entry.partial) out.chunks.push(Buffer.from('\n'));
	lineStart[entry.stream] = !entry.partial;
}

function parse(buffer) {
	const entries = [];
	let start = 0;
	for (let end = buffer.indexOf(10, start); end !== -1; end = buffer.indexOf(10, start)) {
		const line = buffer.subarray(start, end);
		start = end + 1;
		const a = line.indexOf(32);
		const b = line.indexOf(32, a + 1);
		const c = line.indexOf(32, b + 1);
		if (a < 0 || b < 0) continue;
		const tag = line.subarray(b + 1, c < 0 ? line.length : c).toString();
		entries.push({
			time: line.subarray(0, a).toString(),
			stream: line.subarray(a + 1, b).toString() === 'stderr' ? 'stderr' : 'stdout',
			partial: tag === 'P',
			content: c < 0 ? Buffer.alloc(0) : line.subarray(c + 1),
		});
	}
	pending = Buffer.from(buffer.subarray(start));
	return entries;
}

let fd;
try {
	fd = openSync(logPath, 'r');
} catch {
	fd = undefined;
}

/** Reads what the log file holds now and returns its complete entries. */
function readNew() {
	if (fd === undefined) {
		try {
			fd = openSync(logPath, 'r');
		} catch {
			return [];
		}
	}
	const entries = [];
	const chunk = Buffer.alloc(1 << 20);
	for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
		entries.push(...parse(Buffer.concat([pending, chunk.subarray(0, n)])));
	}
	return entries;
}

let stopped = false;
let stopFollowing = () => {};

/** Emits entries; false once --until is reached. stdout may be a socket (sshd), so never process.exit() with output pending. */
function emitAll(entries) {
	for (const entry of entries) {
		if (emit(entry) === 'stop') {
			stopped = true;
			break;
		}
	}
	flush();
	if (stopped) stopFollowing();
	return !stopped;
}

/** The last n lines (a line = partial entries up to and including a full one). */
function lastLines(entries, n) {
	let count = 0;
	let index = entries.length;
	while (index > 0) {
		const entry = entries[index - 1];
		if (!entry.partial) {
			if (count === n) break;
			count++;
		}
		index--;
	}
	return entries.slice(index);
}

const first = readNew();
if (emitAll(options.tail >= 0 ? lastLines(first, options.tail) : first) && options.follow) {
	// Follow until the container is no longer running, then read what is left.
	// Docker's logs -f ends as the container exits; podman wait polls, so poll often (its default is 250 ms).
	const waiter = spawn(PODMAN, ['wait', '--interval', '50ms', id], {stdio: 'ignore'});
	const poll = () => {
		if (!stopped) emitAll(readNew());
	};
	let watcher;
	try {
		watcher = watch(logPath, poll);
	} catch {
		watcher = undefined;
	}
	const timer = setInterval(poll, 200);
	stopFollowing = () => {
		clearInterval(timer);
		watcher?.close();
		waiter.removeAllListeners('exit');
		waiter.kill();
	};
	waiter.on('exit', () => {
		poll();
		stopFollowing();
	});
}
