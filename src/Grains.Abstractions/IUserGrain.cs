using OrleansSessions.Contracts;
namespace OrleansSessions.Abstractions;

/// <summary>One user's conversation index, ordered by last activity; its key is <c>[keyPrefix/]userId</c>.</summary>
[Alias("os.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Live sessions of this user, most recently active first.</summary>
    /// <exception cref="InvalidSessionRequestException">the cursor is not one this service issued.</exception>
    [Alias("ListSessions")]
    [SafeToRepeat]
    Task<SessionListPage> ListSessionsAsync(int limit, string? cursor, CancellationToken cancellationToken);

    /// <summary>Deletes every session of this user; returns how many were deleted (erasing twice erases the same).</summary>
    [Alias("Erase")]
    [SafeToRepeat]
    Task<int> EraseAsync(CancellationToken cancellationToken);
}
