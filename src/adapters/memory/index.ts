export { openMemoryStorage } from './open-memory-storage.js';
