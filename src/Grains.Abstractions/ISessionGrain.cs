using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.Abstractions;

/// <summary>One conversation; its key is <c>[keyPrefix/]sessionId</c>. Every mutation is one atomic script over the
/// session's keys. Calls run one at a time in arrival order; appends that arrive while another call runs go to
/// Redis together (group commit), each with its own result.</summary>
[Alias("os.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <exception cref="SessionAlreadyExistsException">the id is taken.</exception>
    [Alias("Create")]
    Task<SessionInfo> CreateAsync(CreateSessionCommand command, CancellationToken cancellationToken);

    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("GetInfo")]
    [SafeToRepeat]
    Task<SessionInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>Appends a batch, creating the session for <see cref="AppendItemsCommand.UserId"/> when it is missing.</summary>
    /// <exception cref="SessionNotFoundException">missing and no owner given, or owned by another user.</exception>
    /// <exception cref="OperationIdConflictException">the operation id was used with other content.</exception>
    [Alias("Append")]
    Task<AppendResult> AppendAsync(AppendItemsCommand command, CancellationToken cancellationToken);

    /// <summary>Appends or replaces the newest items as one atomic, idempotent step; returns the seqs of the new items.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    /// <exception cref="OperationIdConflictException">the operation id was used for another change.</exception>
    /// <exception cref="HistoryPreconditionFailedException">the newest items are not the expected suffix.</exception>
    [Alias("ChangeHistory")]
    Task<AppendResult> ChangeHistoryAsync(HistoryChangeCommand command, CancellationToken cancellationToken);

    /// <summary>The items <paramref name="query"/> asks for, answered from the activation's memory when it is current.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("Read")]
    [SafeToRepeat]
    Task<SessionItems> ReadAsync(ItemsQuery query, CancellationToken cancellationToken);

    /// <summary>Removes and returns the newest item, or null when the session has none.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("Pop")]
    Task<StoredItem?> PopAsync(CancellationToken cancellationToken);

    /// <summary>Removes every item after <see cref="RewindCommand.AfterSeq"/> in one step; the last seq stays.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    /// <exception cref="InvalidSessionRequestException">afterSeq is beyond the session's last seq.</exception>
    /// <exception cref="OperationIdConflictException">the operation id was used for another change.</exception>
    [Alias("Rewind")]
    Task<RewindResult> RewindAsync(RewindCommand command, CancellationToken cancellationToken);

    /// <summary>Removes the items (and, with <paramref name="resetAgents"/>, the agent tracking); counters and metadata stay.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("Clear")]
    Task ClearAsync(bool resetAgents, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="agent"/> the current agent and adds it to the agents used.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("TrackAgent")]
    Task<SessionInfo> TrackAgentAsync(string agent, CancellationToken cancellationToken);

    /// <summary>The session's JSON data: named values beside the items.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("GetAllData")]
    [SafeToRepeat]
    [return: Immutable]
    Task<IReadOnlyDictionary<string, JsonElement>> GetAllDataAsync(CancellationToken cancellationToken);

    /// <returns>The value under <paramref name="key"/>, or null when there is none.</returns>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("GetData")]
    [SafeToRepeat]
    [return: Immutable]
    Task<JsonElement?> GetDataAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sets the value under <paramref name="key"/>; null removes it.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    [Alias("SetData")]
    Task SetDataAsync(string key, [Immutable] JsonElement? value, CancellationToken cancellationToken);

    /// <summary>Sets one nested path inside the value under <paramref name="key"/>, without losing a concurrent
    /// update made elsewhere; returns the whole new value.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    /// <exception cref="InvalidSessionRequestException">the path runs through something that is not an object.</exception>
    [Alias("UpdateData")]
    [return: Immutable]
    Task<JsonElement> UpdateDataAsync(string key, [Immutable] IReadOnlyList<string> path, [Immutable] JsonElement value, CancellationToken cancellationToken);

    /// <summary>Makes this (new) session a fork of another: one call to the source's grain for a snapshot of one version,
    /// then scripts on this session's keys only, the session appearing when complete.</summary>
    /// <exception cref="SessionNotFoundException">no such source (or one of another user).</exception>
    /// <exception cref="SessionAlreadyExistsException">this id is taken (and not by a fork with the same operation id).</exception>
    /// <exception cref="OperationIdConflictException">the operation id made a fork of other content.</exception>
    /// <exception cref="InvalidSessionRequestException">throughSeq is past the source's lastSeq.</exception>
    [Alias("Fork")]
    Task<SessionInfo> ForkAsync(ForkSessionCommand command, CancellationToken cancellationToken);

    /// <summary>The session as of one version, for a fork: its items through <paramref name="throughSeq"/> (all when
    /// null), description and data values. With <paramref name="requiredOwner"/>, another user's session is missing.</summary>
    /// <exception cref="SessionNotFoundException">no such session.</exception>
    /// <exception cref="InvalidSessionRequestException">throughSeq is past lastSeq.</exception>
    [Alias("Snapshot")]
    [SafeToRepeat]
    Task<ForkSnapshot> SnapshotAsync(long? throughSeq, string? requiredOwner, CancellationToken cancellationToken);

    /// <summary>Deletes the session and drops it from its owner's index; returns false when it did not exist
    /// (or, with <paramref name="requiredOwner"/>, belongs to someone else).</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string? requiredOwner, CancellationToken cancellationToken);
}
