// Errors the user should see as one clear line. Anything else is a bug and shows a stack trace.

export class UserError extends Error {
	/** Process exit code for the command line: 1 failure, 2 usage error. */
	readonly exitCode: number = 1;
	constructor(message: string) {
		super(message);
		this.name = new.target.name;
	}
}

/** The command line was used wrongly: unknown command, malformed or out-of-range flag. */
export class UsageError extends UserError {
	override readonly exitCode = 2;
}

/** Input that breaks a domain rule (prompt text, video folder, weights...). */
export class ValidationError extends UserError {}

export class NotFoundError extends UserError {}

export class ConfigError extends UserError {}

/** The GPU host could not be reached, refused us, or failed a command. */
export class HostError extends UserError {}

/** A run in a state that forbids the operation (e.g. deleting an active run). */
export class ConflictError extends UserError {}
