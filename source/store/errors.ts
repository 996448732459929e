// StoreError: every failure the store reports to its callers, as one line a user can act on.

export class StoreError extends Error {
	override name = 'StoreError';

	constructor(message: string, options?: {cause?: unknown}) {
		// One line, so a CLI can print it as is and a TUI can put it in a status bar.
		super(message.replaceAll(/\s*[\r\n]+\s*/g, ' ').trim(), options);
	}
}

const FS_ERROR_TEXT: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EROFS: 'read-only file system',
	ENOTDIR: 'a path component is not a folder',
	EEXIST: 'already exists',
	EISDIR: 'is a folder',
	ENOENT: 'no such file or folder',
	ENOSPC: 'no space left on device',
	EDQUOT: 'disk quota exceeded',
	EIO: 'input/output error',
	EMFILE: 'too many open files',
};

/** "permission denied (EACCES)" for a Node fs error; the plain message for anything else. */
export function describeError(error: unknown): string {
	const code = errorCode(error);
	if (code !== undefined) {
		return `${FS_ERROR_TEXT[code] ?? 'file system error'} (${code})`;
	}

	return error instanceof Error ? error.message : String(error);
}

export function errorCode(error: unknown): string | undefined {
	if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
		return error.code;
	}

	return undefined;
}
