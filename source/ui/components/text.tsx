/* @jsxRuntime automatic @jsxImportSource react */
// Ink's Text without its colours when NO_COLOR says so (Ink's chalk does not read NO_COLOR):
// every component draws text through this one, and borders take their colour from `tint`.
import {Text as InkText, type TextProps} from 'ink';
import {COLORS} from '../text/color-mode.js';

export function Text({color, backgroundColor, ...props}: TextProps) {
	return COLORS ? <InkText color={color} backgroundColor={backgroundColor} {...props} /> : <InkText {...props} />;
}

/** A colour for a Box's border, or none without colours. */
export function tint<C extends string>(color: C): C | undefined {
	return COLORS ? color : undefined;
}
