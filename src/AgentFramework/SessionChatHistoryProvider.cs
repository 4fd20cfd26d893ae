using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using OrleansSessions.Abstractions;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClientSdk.Interop;
using AgentSession = Microsoft.Agents.AI.AgentSession; // not the client's AgentSession, the Python AgentSession's counterpart

namespace OrleansSessions.AgentFramework;

/// <summary>
/// The Agent Framework's chat history, kept in an OrleansSessions conversation: a run gets the conversation's items
/// as its history (oldest first) and stores what it added — the caller's messages, tool calls and results, reasoning
/// and the answer — as one append, so the session's single writer keeps each run's messages together, in order, even
/// when runs of one conversation overlap. The agent session carries only the conversation id (under
/// <see cref="StateKey"/>), so a serialized agent session resumes on any backend instance. One provider serves every
/// agent session of an agent.
/// </summary>
public sealed class SessionChatHistoryProvider : ChatHistoryProvider
{
    public const string StateKey = "orleansSessions";

    private readonly ISessionsClient _client;
    private readonly SessionChatHistoryProviderOptions _options;
    private readonly ProviderSessionState<ConversationState> _state;

    public SessionChatHistoryProvider(ISessionsClient client, SessionChatHistoryProviderOptions options)
    {
        _client = client;
        _options = options;
        _state = new ProviderSessionState<ConversationState>(_ => new ConversationState { ConversationId = Guid.NewGuid().ToString("N") }, StateKey);
    }

    public override IReadOnlyList<string> StateKeys => [StateKey];

    /// <summary>The conversation an agent session's history lives in: chosen at the session's first run or at this
    /// call, whichever comes first, and kept in the session's state from then on (serialize it after that to share
    /// the conversation).</summary>
    public string GetConversationId(AgentSession session) => _state.GetOrInitializeState(session).ConversationId;

    /// <summary>Makes <paramref name="session"/> continue an existing conversation, such as one a listing found.</summary>
    public void UseConversation(AgentSession session, string conversationId) =>
        _state.SaveState(session, new ConversationState { ConversationId = conversationId });

    protected override async ValueTask<IEnumerable<ChatMessage>> ProvideChatHistoryAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        var conversationId = _state.GetOrInitializeState(context.Session).ConversationId;
        try
        {
            var page = await _client.GetItemsAsync(conversationId, new ItemsQuery(Limit: _options.HistoryLimit, SafeStart: _options.HistoryLimit is not null), cancellationToken);
            return ChatMessageJson.ToChatMessages(page.Items.Select(i => i.Item));
        }
        catch (SessionsNotFoundException)
        {
            return []; // created by its first stored run
        }
    }

    protected override async ValueTask StoreChatHistoryAsync(InvokedContext context, CancellationToken cancellationToken = default)
    {
        var items = ChatMessageJson.ToItems(context.RequestMessages.Concat(context.ResponseMessages ?? []));
        if (items.Count == 0) return;
        var command = new AppendItemsCommand(items, OperationId: ConversationItems.NewOperationId(), Agent: context.Agent.Name,
            UserId: _options.UserId, TtlSeconds: _options.Ttl is { } ttl ? (int)Math.Ceiling(ttl.TotalSeconds) : null);
        var conversationId = _state.GetOrInitializeState(context.Session).ConversationId;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _client.AppendItemsAsync(conversationId, command, cancellationToken);
                return;
            }
            catch (Exception error) when (attempt < _options.StoreAttempts && RetryDelay(error, attempt) is { } delay)
            {
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>How long to wait before sending the same append again, or null when sending it again cannot help.</summary>
    private static TimeSpan? RetryDelay(Exception error, int attempt) => error switch
    {
        SessionsUnavailableException unavailable => unavailable.RetryAfter ?? TimeSpan.FromSeconds(1),
        SessionsRateLimitedException limited => limited.RetryAfter ?? TimeSpan.FromSeconds(1),
        HttpRequestException => TimeSpan.FromMilliseconds(100 * attempt),
        _ => null,
    };

    /// <summary>What an agent session holds for this provider.</summary>
    public sealed class ConversationState
    {
        public required string ConversationId { get; init; }
    }
}
