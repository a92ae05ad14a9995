export { openSqliteStorage } from './open-sqlite-storage.js';
export type { SqliteStorageOptions } from './open-sqlite-storage.js';
