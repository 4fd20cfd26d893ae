using System.Runtime.CompilerServices;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

public static class SessionsClientExtensions
{
    /// <summary>Every session of the user, most recently active first, fetching page after page as it goes.</summary>
    public static async IAsyncEnumerable<SessionInfo> ListAllSessionsAsync(this ISessionsClient client,
        string userId, int pageSize = 100, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await client.ListSessionsAsync(userId, pageSize, cursor, cancellationToken);
            foreach (var session in page.Sessions) yield return session;
            cursor = page.NextCursor;
        } while (cursor is not null);
    }
}
