using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OrleansSessions.ClientSdk.Interop;

namespace OrleansSessions.AgentFramework;

/// <summary>
/// Wraps an agent's model client so that each response's usage (<see cref="ChatResponse.Usage"/> and its model) travels
/// with the run's messages as a <see cref="TurnUsageContent"/>: the Agent Framework tells a history provider a run's
/// messages but not its usage, so <see cref="SessionChatHistoryProvider"/> finds it there and adds it to the
/// conversation's usage in the same append as the messages. Give it to the agent as its chat client
/// (<c>new ChatClientAgent(new SessionUsageChatClient(model), …)</c>): inside the agent's function-invocation loop each
/// model call counts as one request.
/// </summary>
public sealed class SessionUsageChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        if (response.Usage is { } usage)
        {
            var content = new TurnUsageContent(usage.ToTurnUsage(response.ModelId, requests: 1));
            if (response.Messages.Count > 0) response.Messages[^1].Contents.Add(content);
            else response.Messages.Add(new ChatMessage(ChatRole.Assistant, [content]));
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? modelId = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            modelId = update.ModelId ?? modelId;
            foreach (var usage in update.Contents.OfType<UsageContent>().ToList())
            {
                update.Contents.Add(new TurnUsageContent(usage.Details.ToTurnUsage(modelId, requests: 1)));
            }
            yield return update;
        }
    }
}
