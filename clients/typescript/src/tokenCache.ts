/** What a `token` callback may return: the token alone, or with when it expires (a {@link UserToken} from
 * `createUserToken` fits as it is). */
export type TokenGrant = string | { token: string; expiresAt?: string | number | Date | null };

/** Renew this long before the token expires (at most half its lifetime), so a request never carries one that
 * runs out on the way. */
const renewBeforeMs = 30_000;

/**
 * Keeps the token a callback returned until shortly before it expires: the expiry given with it, else the `exp` of a
 * JWT (the silo's user tokens are JWTs), else until the silo refuses it (401). Concurrent requests share one call.
 */
export class TokenCache {
  private current: { token: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly source: () => TokenGrant | Promise<TokenGrant>) {}

  get(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return Promise.resolve(this.current.token);
    return (this.pending ??= this.fetch().finally(() => { this.pending = undefined; }));
  }

  /** The silo refused `token` (401): the next {@link get} asks the callback again. */
  refused(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async fetch(): Promise<string> {
    const now = Date.now();
    const grant = await this.source();
    const token = typeof grant === 'string' ? grant : grant.token;
    const expiresAt = typeof grant === 'string' || grant.expiresAt == null ? jwtExpiry(token) : new Date(grant.expiresAt).getTime();
    const renewAt = expiresAt === undefined || Number.isNaN(expiresAt) ? Infinity : expiresAt - Math.min(renewBeforeMs, (expiresAt - now) / 2);
    this.current = { token, renewAt };
    return token;
  }
}

/** The `exp` of a JWT in milliseconds, or undefined when the token is not one. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
