import type { CatalogItem } from '../core/catalog/catalog-item.js';
import type { WorkspaceId } from '../core/shared/ids.js';

/** The product catalog: items with price, margin, stock and free attributes. */
export interface CatalogStore {
  putMany(workspace: WorkspaceId, items: readonly CatalogItem[]): Promise<void>;
  getMany(workspace: WorkspaceId, ids: readonly string[]): Promise<ReadonlyMap<string, CatalogItem>>;
  list(
    workspace: WorkspaceId,
    opts: { readonly afterId: string | null; readonly limit: number; readonly category: string | null },
  ): Promise<readonly CatalogItem[]>;
  deleteMany(workspace: WorkspaceId, ids: readonly string[]): Promise<number>;
  count(workspace: WorkspaceId): Promise<number>;
}
