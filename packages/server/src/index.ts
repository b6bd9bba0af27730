export { createSyncline, type ListenOptions, type Syncline, type SynclineOptions } from './create-syncline.js';
export { loadConfig, ENVIRONMENT, type ServerConfig } from './config.js';
export { DEFAULT_LIMITS, type SynclineLimits } from './limits.js';
export type { ContextFactory, ContextInput } from './context-factory.js';
export type { Operation, Outcome } from './operation.js';
export type { HttpRequest, HttpResponse } from './http/http-handler.js';
export type { Backplane } from './backplane/backplane.js';
export { createMemoryBackplane, createMemoryBus, type MemoryBus } from './backplane/memory-backplane.js';
export * from './storage/storage.js';
