using System.Text.Json;

namespace OrleansSessions.ClientSdk;

/// <summary>The OpenAI Agents SDK's Session protocol (get_items, add_items, pop_item, clear_session) in .NET form.</summary>
public interface IConversationSession
{
    string SessionId { get; }

    /// <summary>The newest <paramref name="limit"/> items (all when null), oldest first.</summary>
    Task<IReadOnlyList<JsonElement>> GetItemsAsync(int? limit = null, CancellationToken cancellationToken = default);

    Task AddItemsAsync(IReadOnlyList<JsonElement> items, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the newest item, or null when there is none.</summary>
    Task<JsonElement?> PopItemAsync(CancellationToken cancellationToken = default);

    Task ClearSessionAsync(CancellationToken cancellationToken = default);
}
