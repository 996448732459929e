// Whether the screen may use colour: not when NO_COLOR is set and not empty (https://no-color.org).
// Text attributes (bold, dim, inverse, underline) stay; every cue that colour gives is also said
// in text or symbols (status icons and words, the focused pane's ▶, the selected row's › and
// inverse, the ✗ of an error), so nothing depends on colour alone.

export function colorsAllowed(env: Readonly<Record<string, string | undefined>>): boolean {
	const noColor = env['NO_COLOR'];
	return noColor === undefined || noColor === '';
}

/** Read once at start, as other programs do. */
export const COLORS = colorsAllowed(process.env);
