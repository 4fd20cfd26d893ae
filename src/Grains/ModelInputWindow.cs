using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains;

/// <summary>
/// Keeps a window of history fit to send to a model: a tool output whose call fell outside the window is
/// dropped, since model APIs reject an output with no call before it. Knows the Responses shape (a
/// "…_call_output" item answering a "…_call" with the same call_id) and the Chat Completions shape (a "tool"
/// message answering an assistant message's tool_calls[].id).
/// </summary>
public static class ModelInputWindow
{
    /// <summary>The window without the tool outputs whose call is not in it: what the read option safeStart answers.</summary>
    public static IReadOnlyList<SessionItem> SafeStart(IReadOnlyList<SessionItem> window)
    {
        var calls = new HashSet<string>();
        var kept = new List<SessionItem>(window.Count);
        foreach (var stored in window)
        {
            var item = stored.Item;
            if (AnsweredCallId(item) is { } answered)
            {
                if (calls.Contains(answered)) kept.Add(stored);
                continue;
            }
            foreach (var id in CallIds(item)) calls.Add(id);
            kept.Add(stored);
        }
        return kept;
    }

    private static string? AnsweredCallId(JsonElement item)
    {
        if (Text(item, "type") is { } type && type.EndsWith("_call_output", StringComparison.Ordinal)) return Text(item, "call_id") ?? "";
        if (Text(item, "role") == "tool") return Text(item, "tool_call_id") ?? "";
        return null;
    }

    private static IEnumerable<string> CallIds(JsonElement item)
    {
        if (Text(item, "type") is { } type && type.EndsWith("_call", StringComparison.Ordinal) && Text(item, "call_id") is { } callId)
        {
            yield return callId;
        }
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in toolCalls.EnumerateArray())
            {
                if (Text(call, "id") is { } id) yield return id;
            }
        }
    }

    private static string? Text(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
