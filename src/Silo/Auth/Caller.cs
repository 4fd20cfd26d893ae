using System.Security.Claims;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Silo.Api;
using OrleansSessions.Contracts;

namespace OrleansSessions.Silo.Auth;

/// <summary>
/// Who is calling, and so what it may reach: a tenant's backend reaches its tenant's key space; a user token reaches
/// only its user's sessions there. For a user token, another user's session answers exactly as a missing one does.
/// </summary>
internal sealed class Caller(KeyScope scope, string? tenant, string? userId)
{
    public KeyScope Scope => scope;

    public string? Tenant => tenant;

    /// <summary>The user of a user token; null for a tenant's backend.</summary>
    public string? UserId => userId;

    public static ValueTask<Caller> BindAsync(HttpContext context)
    {
        var principal = context.User;
        var tenant = principal.FindFirstValue(CallerClaims.Tenant);
        var services = context.RequestServices;
        var keyPrefix = tenant is null ? null : services.GetRequiredService<TenantDirectory>().Find(tenant)?.KeyPrefix
            ?? throw new InvalidOperationException($"The authenticated tenant '{tenant}' is not configured.");
        var isUser = principal.HasClaim(CallerClaims.Scope, CallerClaims.UserScope);
        var scope = services.GetRequiredService<KeyScopes>().For(keyPrefix);
        var user = isUser ? principal.FindFirstValue(CallerClaims.User) : null;
        return ValueTask.FromResult(new Caller(scope, tenant, user));
    }

    public ISessionGrain Session(IGrainFactory grains, string sessionId) => grains.GetGrainByKey<ISessionGrain>(scope.GrainKey(sessionId));

    /// <summary>A call of the session's grain that, for a user token, reaches only that user's sessions: the grain checks
    /// the owner in the same call as the operation, and answers another's session as a missing one.</summary>
    public async Task<T> OnSessionAsync<T>(IGrainFactory grains, string sessionId, Func<ISessionGrain, Task<T>> call)
    {
        SessionAccess.LimitTo(userId); // flows with the grain call; reverts when this method returns
        return await call(Session(grains, sessionId));
    }

    public Task OnSessionAsync(IGrainFactory grains, string sessionId, Func<ISessionGrain, Task> call) =>
        OnSessionAsync(grains, sessionId, async grain =>
        {
            await call(grain);
            return true;
        });

    /// <summary>The session, if the caller may see it (a user token: only its user's), else not found.</summary>
    public Task<SessionInfo> GetInfoAsync(IGrainFactory grains, string sessionId, CancellationToken ct) =>
        OnSessionAsync(grains, sessionId, g => g.GetInfoAsync(ct));

    public IUserGrain User(IGrainFactory grains, string userId) => grains.GetGrainByKey<IUserGrain>(scope.GrainKey(userId));

    /// <summary>A user token may act only for its own user: another one is answered as an unknown user.</summary>
    public void RequireSelf(string requestedUserId)
    {
        if (userId is not null && requestedUserId != userId)
        {
            throw new ApiProblemException(StatusCodes.Status404NotFound, "userId", $"No user '{requestedUserId}' is known here.");
        }
    }

    /// <summary>A user token's sessions get generated ids: were it to choose one, "taken" would tell it that some
    /// other user's session exists.</summary>
    public void RefuseChosenSessionId(bool chosen)
    {
        if (userId is not null && chosen)
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden, "sessionId", "A user token cannot choose a session id; omit it and one is generated.");
        }
    }

    /// <summary>The owner a request may name: a user token's own user (taken as given when the body names none).</summary>
    public string? Owner(string? requestedUserId)
    {
        if (userId is null) return requestedUserId;
        if (requestedUserId is not null && requestedUserId != userId)
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden, "userId", "A user token may only act for its own user.");
        }
        return userId;
    }
}
