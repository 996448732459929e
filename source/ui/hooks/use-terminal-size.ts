// The terminal's size, updated on resize (Ink 6 has no hook for it). Streams without a size
// (pipes, ink-testing-library's stdout has no rows) count as 80x24.
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export type TerminalSize = {columns: number; rows: number};

function read(stdout: NodeJS.WriteStream): TerminalSize {
	return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}

export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => read(stdout));
	useEffect(() => {
		const onResize = () => setSize(previous => {
			const next = read(stdout);
			return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
		});
		stdout.on('resize', onResize);
		onResize();
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
