// Table types of one part of issue 5, merged into DB (schema.ts). Owned by that part; snake_case as in SQL.
import type { ColumnType, Generated } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-unused-vars
type Timestamp = ColumnType<Date, Date | string, Date | string>;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type _Generated<T> = Generated<T>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ScreeningTables {}
