using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains;

/// <summary>
/// Whose sessions a call may reach. A caller acting for one user (a user token) names that user in the call's
/// request context; the session grain then answers a session of anyone else exactly as a missing one, checked in
/// the same call as the operation. Calls that name nobody reach every session of their key space.
/// </summary>
public static class SessionAccess
{
    private const string OwnerKey = "os.owner";

    /// <summary>Limits the grain calls made from here on, in this async flow, to <paramref name="userId"/>'s sessions.</summary>
    public static void LimitTo(string? userId)
    {
        if (userId is null) RequestContext.Remove(OwnerKey);
        else RequestContext.Set(OwnerKey, userId);
    }

    /// <summary>The user the current call is limited to, or null.</summary>
    internal static string? RequiredOwner => RequestContext.Get(OwnerKey) as string;

    /// <exception cref="SessionNotFoundException">the session belongs to someone other than <paramref name="requiredOwner"/>.</exception>
    internal static SessionInfo Check(SessionInfo info, string? requiredOwner) =>
        requiredOwner is null || info.UserId == requiredOwner ? info : throw new SessionNotFoundException(info.SessionId);
}
