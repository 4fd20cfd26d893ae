using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace OrleansSessions.Tests.AgentFramework;

/// <summary>A model with no network: asked anything, it calls get_weather for the city in the newest user message,
/// then answers from the tool's result. Its replies depend only on what it is sent, so two agents given the same turns
/// get the same answers. It records every request it gets. Given <see cref="Usage"/>, every response reports it, as
/// answered by <see cref="ModelId"/>.</summary>
public sealed class ScriptedChatClient : IChatClient
{
    public ConcurrentQueue<IReadOnlyList<ChatMessage>> Requests { get; } = new();

    public UsageDetails? Usage { get; init; }

    public string? ModelId { get; init; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var sent = messages.ToList();
        Requests.Enqueue(sent);
        await Task.Yield(); // a model answers later, so runs on one conversation overlap
        var city = sent.Last(m => m.Role == ChatRole.User).Text.Split(' ')[^1].TrimEnd('?');
        var last = sent[^1];
        if (last.Role != ChatRole.Tool)
        {
            return Reported(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                [new TextReasoningContent($"The user asks about {city}."), new FunctionCallContent($"call-{city}", "get_weather", new Dictionary<string, object?> { ["city"] = city })])));
        }
        var result = last.Contents.OfType<FunctionResultContent>().Single().Result;
        return Reported(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"In {city}: {result}")));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates()) yield return update;
    }

    private ChatResponse Reported(ChatResponse response)
    {
        // A copy each time: the function-invocation loop adds the next call's usage into the first response's.
        response.Usage = Usage is null ? null : new UsageDetails
        {
            InputTokenCount = Usage.InputTokenCount,
            OutputTokenCount = Usage.OutputTokenCount,
            TotalTokenCount = Usage.TotalTokenCount,
            CachedInputTokenCount = Usage.CachedInputTokenCount,
            ReasoningTokenCount = Usage.ReasoningTokenCount,
        };
        response.ModelId = ModelId;
        return response;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
