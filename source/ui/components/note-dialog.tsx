/* @jsxRuntime automatic @jsxImportSource react */
// Writing a note on a run: the text as typed (wrapped), with a cursor; Enter saves, Esc leaves the
// note as it was. The text is the user's own but is shown through plain() like anything stored.
import {Text} from './text.js';
import {NOTE_MAX_LENGTH} from '../../domain/rating.js';
import {plain} from '../state/run-summary.js';
import {Dialog} from './dialog.js';

type Props = {runId: string; text: string; error: string | null; width: number; height: number};

export function NoteDialog({runId, text, error, width, height}: Props) {
	return (
		<Dialog title={`Note on ${runId}`} width={width} height={height}>
			<Text wrap="wrap">{`${plain(text)}▏`}</Text>
			{error ? <Text color="red" wrap="wrap">{plain(error)}</Text> : null}
			<Text dimColor wrap="truncate">{`${[...text].length}/${NOTE_MAX_LENGTH} · Enter save (empty: remove) · Esc cancel`}</Text>
		</Dialog>
	);
}
