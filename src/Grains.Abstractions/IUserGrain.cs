namespace OrleansSessions.Abstractions;

/// <summary>One user's conversation index, ordered by last activity.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Live sessions of this user, most recently active first.</summary>
    /// <exception cref="ArgumentException">the cursor is not one this service issued.</exception>
    Task<SessionListPage> ListSessionsAsync(int limit, string? cursor, CancellationToken cancellationToken);

    Task<long> CountSessionsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every session of this user; returns how many were deleted.</summary>
    Task<int> EraseAsync(CancellationToken cancellationToken);
}
