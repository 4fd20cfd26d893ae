namespace OrleansSessions.Abstractions;

/// <summary>One conversation. Every mutation is one atomic script over the session's keys.</summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <exception cref="SessionAlreadyExistsException">the id is taken.</exception>
    Task<SessionInfo> CreateAsync(CreateSessionCommand command, CancellationToken cancellationToken);

    /// <exception cref="SessionNotFoundException">no such session.</exception>
    Task<SessionInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>Appends a batch, creating the session for <see cref="AppendItemsCommand.UserId"/> when it is missing.</summary>
    /// <exception cref="SessionNotFoundException">missing and no owner given, or owned by another user.</exception>
    /// <exception cref="OperationIdConflictException">the operation id was used with other content.</exception>
    Task<AppendResult> AppendAsync(AppendItemsCommand command, CancellationToken cancellationToken);

    /// <exception cref="SessionNotFoundException">no such session.</exception>
    Task<ItemsPage> ReadAsync(ItemsQuery query, CancellationToken cancellationToken);

    /// <summary>Removes and returns the newest item, or null when the session has none.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    Task<StoredItem?> PopAsync(CancellationToken cancellationToken);

    /// <exception cref="SessionNotFoundException">no such session.</exception>
    Task ClearAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the session and drops it from its owner's index; returns false when it did not exist
    /// (or, with <paramref name="requiredOwner"/>, belongs to someone else).</summary>
    Task<bool> DeleteAsync(string? requiredOwner, CancellationToken cancellationToken);
}
