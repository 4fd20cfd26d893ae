export { SessionsClient, type SessionsClientOptions } from './client.js';
export { SessionsApiError } from './errors.js';
export { UnsupportedJsonError } from './jsonSnapshot.js';
export { OrleansSession, type OrleansSessionOptions } from './agentsSession.js';
export { compactAtomically } from './atomicCompaction.js';
export { toTurnUsage, type AgentsUsage } from './runUsage.js';
export type * from './types.js';
export { SessionsCorsError } from './errors.js';
export type { TokenGrant } from './tokenCache.js';
