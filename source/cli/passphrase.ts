// Asks for an SSH key's passphrase on the terminal without echoing it.
import process from 'node:process';

export function askPassphrase(keyPath: string): Promise<string | null> {
	const {stdin, stderr} = process;
	if (!stdin.isTTY) return Promise.resolve(null);
	return new Promise(resolve => {
		stderr.write(`passphrase for ${keyPath}: `);
		let value = '';
		const finish = (result: string | null) => {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
			stderr.write('\n');
			resolve(result);
		};
		const onData = (chunk: Buffer) => {
			for (const char of chunk.toString('utf8')) {
				if (char === '\r' || char === '\n') return finish(value);
				if (char === '\u0003' || char === '\u0004') return finish(null);
				if (char === '\u007F' || char === '\b') value = value.slice(0, -1);
				else value += char;
			}
		};
		stdin.setRawMode(true);
		stdin.resume();
		stdin.on('data', onData);
	});
}
