/* @jsxRuntime automatic @jsxImportSource react */
// A line made of coloured segments (see state/run-summary.ts), optionally highlighted as selected.
import {Text} from './text.js';
import type {Segment} from '../state/run-summary.js';

export function Segments({segments, inverse = false, bold = false}: {segments: readonly Segment[]; inverse?: boolean; bold?: boolean}) {
	return (
		<Text inverse={inverse} bold={bold} wrap="truncate">
			{segments.map((segment, i) => (
				<Text key={i} color={segment.color} dimColor={segment.dim && !inverse} bold={segment.bold}>
					{segment.text}
				</Text>
			))}
		</Text>
	);
}
