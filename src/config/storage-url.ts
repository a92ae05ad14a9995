import { err, ok, type Result } from '../core/shared/result.js';

/** Where the store lives, read from a storage URL. */
export type StorageLocation =
  | { readonly kind: 'sqlite'; /** As written: absolute, or relative to the working directory. */ readonly path: string }
  | { readonly kind: 'memory' };

/**
 * Reads `sqlite:///abs/path.db` (absolute), `sqlite://./rel.db` or `sqlite://rel.db` (relative to the
 * working directory) and `memory://`.
 */
export function parseStorageUrl(url: string): Result<StorageLocation, string> {
  if (url === 'memory://') return ok({ kind: 'memory' });
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    if (path === '' || path === '/') return err(`storage URL "${url}" names no file`);
    return ok({ kind: 'sqlite', path });
  }
  return err(`storage URL "${url}" is not sqlite:///abs/path.db, sqlite://./rel.db or memory://`);
}

/** The default store: SQLite file attune.db inside the data directory. */
export function defaultStorageUrl(dataDir: string): string {
  const dir = dataDir.endsWith('/') ? dataDir.slice(0, -1) : dataDir;
  const prefix = dir.startsWith('/') || dir.startsWith('./') || dir.startsWith('../') ? '' : './';
  return `sqlite://${prefix}${dir}/attune.db`;
}
