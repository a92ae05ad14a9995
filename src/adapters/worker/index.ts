export { createWorkerRecsTrainer } from './worker-recs-trainer.js';
