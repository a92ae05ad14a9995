import { parentPort, workerData } from 'node:worker_threads';
import type { RecsTrainingInput } from '../../core/recs/engine/train-recommender.js';
import { trainRecommender } from '../../core/recs/engine/train-recommender.js';

/**
 * Worker-thread entry of a recommender training run (see train-recs-off-thread.ts): the run is
 * CPU-bound for seconds to minutes, and in the main thread it would stop serving meanwhile.
 */
const port = parentPort;
if (port === null) throw new Error('recs-train-worker must run as a worker thread');
try {
  const input = workerData as Omit<RecsTrainingInput, 'onProgress'>;
  const model = trainRecommender({ ...input, onProgress: (step) => port.postMessage({ type: 'progress', step }) });
  port.postMessage({ type: 'done', model });
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
