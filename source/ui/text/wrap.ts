// Plain text (already sanitized, no escape sequences) laid out in rows of a given width, so that
// messages and details never lose words: breaks at spaces, long unbreakable tokens (paths, ids)
// broken hard, wide characters measured with string-width and never split.
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Rows of at most `width` columns; a newline in the text starts a new row. */
export function wrapText(text: string, width: number): string[] {
	if (width <= 0) return [''];
	return text.split('\n').flatMap(paragraph => wrapParagraph(paragraph, width));
}

function wrapParagraph(paragraph: string, width: number): string[] {
	const rows: string[] = [];
	let row = '';
	let used = 0;
	const flush = () => {
		rows.push(row.trimEnd());
		row = '';
		used = 0;
	};
	// Words with the spaces after them: "a ", "path/to/x ".
	for (const word of paragraph.match(/\S+\s*|\s+/g) ?? []) {
		const bare = word.trimEnd();
		const bareWidth = stringWidth(bare);
		if (used > 0 && used + bareWidth > width) flush();
		if (bareWidth > width) {
			// A token longer than a row: break it where the row ends.
			for (const {segment} of graphemes.segment(bare)) {
				const w = stringWidth(segment);
				if (used + w > width && used > 0) flush();
				row += segment;
				used += w;
			}
			const rest = word.slice(bare.length);
			row += rest;
			used += rest.length;
			continue;
		}
		row += word;
		used += stringWidth(word);
	}
	if (row !== '' || rows.length === 0) flush();
	return rows;
}

/**
 * The text on one row of `width` columns: whole if it fits, else cut at a word boundary (hard in
 * a long token) and ended with `more` ("… ! shows all").
 */
export function fitRow(text: string, width: number, more: string): {text: string; cut: boolean} {
	const rows = wrapText(text.replaceAll('\n', ' '), width);
	if (rows.length <= 1) return {text: rows[0] ?? '', cut: false};
	const room = Math.max(0, width - stringWidth(more));
	return {text: `${wrapText(text.replaceAll('\n', ' '), room)[0] ?? ''}${more}`, cut: true};
}
