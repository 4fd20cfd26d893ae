export { SessionsClient, type SessionsClientOptions } from './client.js';
export { SessionsApiError, SessionsCorsError } from './errors.js';
export type { TokenGrant } from './tokenCache.js';
export { OrleansSession, type OrleansSessionOptions } from './agentsSession.js';
export type * from './types.js';
