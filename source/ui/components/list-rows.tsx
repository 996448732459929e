/* @jsxRuntime automatic @jsxImportSource react */
// The visible slice of a list with the selected row kept on screen. Which row is first is view
// state (a ref), so scrolling moves only as far as needed to keep the selection visible.
import {Text} from './text.js';
import {useRef, type ReactNode} from 'react';
import {scrollTop} from '../state/list-selection.js';

type Props<T> = {
	items: readonly T[];
	selected: number;
	height: number;
	empty: string;
	row: (item: T, selected: boolean) => ReactNode;
};

export function ListRows<T>({items, selected, height, empty, row}: Props<T>) {
	const top = useRef(0);
	if (items.length === 0) {
		return (
			<Text dimColor wrap="truncate">
				{empty}
			</Text>
		);
	}
	top.current = scrollTop(selected, items.length, height, top.current);
	return <>{items.slice(top.current, top.current + height).map((item, i) => row(item, top.current + i === selected))}</>;
}
