import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecsModel } from '../../core/recs/engine/recs-model.js';
import type { RecsTrainingInput } from '../../core/recs/engine/train-recommender.js';
import type { RecsTrainer } from '../../ports/recs-trainer.js';

/**
 * Trains the recommender off the event loop. The worker is the same TypeScript module as the rest
 * of the app: when the app runs from sources, the worker first registers tsx's loader (a Worker's
 * execArgv does not carry `--import`), then imports the worker module.
 */
export function createWorkerRecsTrainer(): RecsTrainer {
  return { train: trainInWorker };
}

function trainInWorker(input: Omit<RecsTrainingInput, 'onProgress'>, onProgress: (step: string) => void, signal: AbortSignal): Promise<RecsModel> {  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(`./recs-train-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  return new Promise<RecsModel>((resolve, reject) => {
    const worker = fromSources ? new Worker(tsxBootstrap(url), { eval: true, workerData: input }) : new Worker(url, { workerData: input });
    let settled = false;
    // Shutdown stops a run in progress (the current version keeps serving until then).
    signal.addEventListener('abort', () => void worker.terminate(), { once: true });
    worker.on('message', (message: { type: string; step?: string; model?: RecsModel; message?: string }) => {
      if (message.type === 'progress' && message.step !== undefined) onProgress(message.step);
      else if (message.type === 'done' && message.model !== undefined) {
        settled = true;
        resolve(message.model);
      } else if (message.type === 'error') {
        settled = true;
        reject(new Error(`recommender training failed: ${message.message ?? 'unknown error'}`));
      }
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`recommender training worker exited with code ${code} before finishing`));
      settled = true;
    });
  });
}

/** CommonJS source of a worker that registers tsx, then imports the TypeScript worker module. */
function tsxBootstrap(worker: URL): string {
  // The ESM entry of tsx/esm/api, as its package.json exports it (the CommonJS one cannot register ESM hooks here).
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exportsMap = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  const entry = exportsMap['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  const tsxApi = pathToFileURL(join(dirname(manifest), entry)).href;
  return `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(worker.href)}); });`;
}
