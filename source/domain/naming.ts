// Short readable names and ids. No machine learning: a stop-word filter is enough for a label.
import {createHash, randomBytes} from 'node:crypto';

const STOP_WORDS = new Set(
	`a an the and or but of in on at to for from by with without into onto over under through across
	is are was were be been being this that these those it its as while during then than very
	video scene shot footage camera view image frame clip realistic photorealistic high quality
	captures capture showing shows show features featuring depicts depicting there here some
	their his her our your my we they he she you i`.split(/\s+/),
);

/** Up to three salient words joined with "_", at most maxLength characters ("prompt" if none). */
export function smartName(text: string, maxLength = 30): string {
	const words = text
		.toLowerCase()
		.normalize('NFKD')
		.replaceAll(/[^a-z0-9\s-]/g, ' ')
		.split(/[\s-]+/)
		.filter(word => word.length > 2 && !STOP_WORDS.has(word) && !/^\d+$/.test(word));
	const picked: string[] = [];
	for (const word of words) {
		if (picked.includes(word)) continue;
		const candidate = [...picked, word].join('_');
		if (candidate.length > maxLength) {
			if (picked.length === 0) picked.push(word.slice(0, maxLength));
			break;
		}
		picked.push(word);
		if (picked.length === 3) break;
	}
	return picked.length > 0 ? picked.join('_') : 'prompt';
}

/** Prompt ids are content hashes: the same text and inputs give the same id. */
export function promptId(text: string, inputDigests: Readonly<Record<string, string>>): string {
	const hash = createHash('sha256').update(text).update('\0');
	for (const role of Object.keys(inputDigests).sort()) hash.update(`${role}=${inputDigests[role]}\0`);
	return `ps_${hash.digest('hex').slice(0, 12)}`;
}

export const runId = (): string => `rs_${randomBytes(6).toString('hex')}`;

export const sweepId = (): string => `sw_${randomBytes(6).toString('hex')}`;
