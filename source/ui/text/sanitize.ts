// Moved to the shared text layer (the CLI uses it too); kept so older imports still resolve.
export * from '../../format/sanitize.js';
