#!/usr/bin/env node
// The `attune` command. Attune runs its TypeScript sources directly through tsx (a runtime
// dependency), so there is no build step; the import must come after register().
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
