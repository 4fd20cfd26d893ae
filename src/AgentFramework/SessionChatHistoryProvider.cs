using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClientSdk.Interop;
using AgentSession = Microsoft.Agents.AI.AgentSession; // not the client's AgentSession, the Python AgentSession's counterpart
using OrleansSessions.Contracts;

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
            UserId: _options.UserId, TtlSeconds: _options.Ttl is { } ttl ? (int)Math.Ceiling(ttl.TotalSeconds) : null,
            Usage: TurnUsageContent.Sum(context.ResponseMessages ?? [])); // there when the model client is a SessionUsageChatClient
        // The client sends it again after a 503, a 429 or a lost connection (it carries an operation id, so it is
        // stored once however often it is sent); a second retry layer here would multiply the attempts.
        await _client.AppendItemsAsync(_state.GetOrInitializeState(context.Session).ConversationId, command, cancellationToken);
    }

    /// <summary>What an agent session holds for this provider.</summary>
    public sealed class ConversationState
    {
        public required string ConversationId { get; init; }
    }
}
