import type { RecsModel } from '../core/recs/engine/recs-model.js';
import type { RecsTrainingInput } from '../core/recs/engine/train-recommender.js';

/**
 * Runs a recommender training (CPU-bound: seconds to minutes). The server's adapter runs it in a
 * worker thread so serving goes on; without one, the app trains inline (tests, small data).
 */
export interface RecsTrainer {
  train(input: Omit<RecsTrainingInput, 'onProgress'>, onProgress: (step: string) => void, signal: AbortSignal): Promise<RecsModel>;
}
