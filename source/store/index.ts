// The store's public surface. See store.ts for the design and types.ts for the contract.
export {StoreError} from './errors.js';
export {openStore} from './store.js';
export {SCHEMA_VERSION} from './migrations.js';
export {Query, Grouping, type Direction} from './query.js';
export {
	type Condition,
	type CompareOperator,
	type Operator,
	type StringField,
	and,
	contains,
	eq,
	gt,
	gte,
	isIn,
	like,
	lt,
	lte,
	ne,
	or,
} from './conditions.js';
export type {Change, Store, StoreInfo, StoreOptions, TableName, Tables, Transaction} from './types.js';
