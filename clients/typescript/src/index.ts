export { SessionsClient, type SessionsClientOptions } from './client.js';
export { SessionsApiError } from './errors.js';
export { OrleansSession, type OrleansSessionOptions } from './agentsSession.js';
export { toTurnUsage, type AgentsUsage } from './runUsage.js';
export type * from './types.js';
