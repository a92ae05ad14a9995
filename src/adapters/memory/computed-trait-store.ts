import type { ComputedTraitStore } from '../../ports/computed-trait-store.js';
import { compareCodePoints, fromComputedTraitJson, toComputedTraitJson } from './row-mapping.js';
import type { MemoryStoreContext } from './store-context.js';
import { deleteUndoable, peekWorkspace, setUndoable, workspaceTables } from './store-context.js';

export function createMemoryComputedTraitStore(ctx: MemoryStoreContext): ComputedTraitStore {
  const { tables } = ctx;
  return {
    list: (workspace) =>
      ctx.read('computedTraits.list', () =>
        [...(peekWorkspace(tables, workspace)?.computedTraits ?? [])]
          .sort(([a], [b]) => compareCodePoints(a, b))
          .map(([, json]) => fromComputedTraitJson(json)),
      ),

    put: (workspace, definition) =>
      ctx.write('computedTraits.put', (undo) => {
        setUndoable(undo, workspaceTables(tables, workspace).computedTraits, definition.name, toComputedTraitJson(definition));
      }),

    delete: (workspace, name) =>
      ctx.write('computedTraits.delete', (undo) => {
        const traits = peekWorkspace(tables, workspace)?.computedTraits;
        return traits !== undefined && deleteUndoable(undo, traits, name);
      }),
  };
}
