// Pure formatting of dates, durations, sizes and statuses, shared by the command line and the UI.
import type {RunStatus} from '../domain/model.js';

/** "2026-11-24 13:05" in local time. */
export function formatDate(iso: string | null): string {
	if (!iso) return '-';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '-';
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "45s", "3m07s", "2h05m". */
export function formatDuration(seconds: number | null | undefined): string {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
	const s = Math.round(seconds);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(bytes: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Seconds between two ISO times (or until now while running). */
export function elapsedSeconds(startIso: string | null, endIso: string | null, now = Date.now()): number | null {
	if (!startIso) return null;
	const end = endIso ? Date.parse(endIso) : now;
	return Math.max(0, (end - Date.parse(startIso)) / 1000);
}

export type ColorName = 'yellow' | 'cyan' | 'green' | 'red' | 'gray';

export const STATUS_COLORS: Record<RunStatus, ColorName> = {
	queued: 'yellow',
	launching: 'yellow',
	running: 'cyan',
	success: 'green',
	failed: 'red',
	cancelled: 'gray',
};

export function formatWeights(weights: Readonly<Record<string, number>>): string {
	return Object.entries(weights)
		.map(([name, value]) => `${name}=${formatNumber(value)}`)
		.join(' ');
}

/** A number as people write it: 0.58, not 0.5800000000000001 (binary floating-point noise cut). */
export function formatNumber(value: number): string {
	return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
}

/** Cuts to `width` characters with an ellipsis. */
export function truncate(text: string, width: number): string {
	const flat = text.replaceAll(/\s+/g, ' ');
	return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
}

/** "now", "in <1m", "in ~3m", "in ~2h", or "?" when the start cannot be told. */
export function startsIn(iso: string | null, now: number): string {
	if (iso === null) return '?';
	const seconds = (Date.parse(iso) - now) / 1000;
	if (!Number.isFinite(seconds)) return '?';
	if (seconds <= 1) return 'now';
	if (seconds < 60) return 'in <1m';
	if (seconds < 3600) return `in ~${Math.round(seconds / 60)}m`;
	return `in ~${Math.round(seconds / 360) / 10}h`;
}
