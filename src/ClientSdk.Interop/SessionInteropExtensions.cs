using Microsoft.Extensions.AI;
using OpenAI.Responses;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk.Interop;

/// <summary>Lets a .NET agent loop store a turn — its input and the model's answer — in one call, and get history
/// back in the type it works with.</summary>
public static class SessionInteropExtensions
{
    /// <summary>Stores the turn's input items and every output item of the response as one batch, with the response's
    /// usage (and model) when it has one.</summary>
    public static Task<AppendResult?> StoreResponseAsync(this AgentSession session, IEnumerable<ResponseItem> inputItems,
        ResponseResult response, string? agent = null, CancellationToken cancellationToken = default) =>
        session.StoreAgentResultAsync(inputItems.Concat(response.OutputItems).Select(ResponseItemJson.ToJson), agent,
            response.Usage?.ToTurnUsage(response.Model), cancellationToken);

    /// <summary>Stores the turn's input messages and the response's messages as one batch, with the response's usage
    /// (and model) when it has one.</summary>
    public static Task<AppendResult?> StoreChatTurnAsync(this AgentSession session, IEnumerable<ChatMessage> inputMessages,
        ChatResponse response, string? agent = null, CancellationToken cancellationToken = default) =>
        session.StoreAgentResultAsync(ChatMessageJson.ToItems(inputMessages.Concat(response.Messages)), agent,
            response.Usage?.ToTurnUsage(response.ModelId, requests: 1), cancellationToken);

    public static async Task<IReadOnlyList<ResponseItem>> GetResponseItemsAsync(this AgentSession session, int? topK = null,
        CancellationToken cancellationToken = default) =>
        (await session.GetMessagesAsync(topK, cancellationToken)).Select(i => ResponseItemJson.ToResponseItem(ConversationItems.ToAgentInput(i))).ToList();

    public static async Task<IReadOnlyList<ChatMessage>> GetChatMessagesAsync(this AgentSession session, int? topK = null,
        CancellationToken cancellationToken = default) =>
        ChatMessageJson.ToChatMessages(await session.GetMessagesAsync(topK, cancellationToken));

    public static async Task<IReadOnlyList<ResponseItem>> GetResponseItemsAsync(this IConversationSession session, int? limit = null,
        CancellationToken cancellationToken = default) =>
        (await session.GetItemsAsync(limit, cancellationToken)).Select(ResponseItemJson.ToResponseItem).ToList();
}
