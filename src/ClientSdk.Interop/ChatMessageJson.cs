using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace OrleansSessions.ClientSdk.Interop;

/// <summary>
/// Converts between Microsoft.Extensions.AI <see cref="ChatMessage"/>s and stored items in the Agents SDK's shapes:
/// text becomes <c>{"role", "content"}</c>, a function call <c>{"type": "function_call", …}</c>, its result
/// <c>{"type": "function_call_output", …}</c>, reasoning <c>{"type": "reasoning", …}</c>. Items with no chat
/// equivalent (web search calls, images…) are skipped when reading back.
/// </summary>
public static class ChatMessageJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<JsonElement> ToItems(IEnumerable<ChatMessage> messages) => messages.SelectMany(ToItems).ToList();

    public static IEnumerable<JsonElement> ToItems(ChatMessage message)
    {
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0) yield return Element(new JsonObject { ["role"] = message.Role.Value, ["content"] = text });
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    yield return Element(new JsonObject
                    {
                        ["type"] = "function_call",
                        ["call_id"] = call.CallId,
                        ["name"] = call.Name,
                        ["arguments"] = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), Json),
                    });
                    break;
                case FunctionResultContent result:
                    yield return Element(new JsonObject
                    {
                        ["type"] = "function_call_output",
                        ["call_id"] = result.CallId,
                        ["output"] = OutputText(result.Result),
                    });
                    break;
                case TextReasoningContent reasoning:
                    yield return Element(new JsonObject
                    {
                        ["type"] = "reasoning",
                        ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = reasoning.Text }),
                    });
                    break;
            }
        }
    }

    public static IReadOnlyList<ChatMessage> ToChatMessages(IEnumerable<JsonElement> items)
    {
        var messages = new List<ChatMessage>();
        foreach (var item in items)
        {
            if (ToChatMessage(item) is { } message) messages.Add(message);
        }
        return messages;
    }

    private static ChatMessage? ToChatMessage(JsonElement item)
    {
        var type = Text(item, "type");
        if ((type is null or "message") && Text(item, "role") is { } role)
        {
            return new ChatMessage(new ChatRole(role), MessageText(item)) { RawRepresentation = item };
        }
        return type switch
        {
            "function_call" => new ChatMessage(ChatRole.Assistant,
                [new FunctionCallContent(Text(item, "call_id") ?? "", Text(item, "name") ?? "", Arguments(Text(item, "arguments")))])
                { RawRepresentation = item },
            "function_call_output" => new ChatMessage(ChatRole.Tool,
                [new FunctionResultContent(Text(item, "call_id") ?? "", Output(item))]) { RawRepresentation = item },
            "reasoning" => new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(SummaryText(item))]) { RawRepresentation = item },
            _ => null,
        };
    }

    private static string MessageText(JsonElement item)
    {
        if (!item.TryGetProperty("content", out var content)) return "";
        if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
        return content.ValueKind != JsonValueKind.Array ? "" : string.Concat(content.EnumerateArray().Select(p => Text(p, "text") ?? ""));
    }

    private static string SummaryText(JsonElement item) =>
        item.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Array
            ? string.Join("\n", summary.EnumerateArray().Select(p => Text(p, "text") ?? ""))
            : "";

    /// <summary>The Agents SDK's output is text: a string result as it is (an AIFunction hands its string return value
    /// over as a JSON string, not to be quoted again), anything else as its JSON.</summary>
    private static string OutputText(object? result) => result switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } text => text.GetString()!,
        _ => JsonSerializer.Serialize(result, Json),
    };

    private static object? Output(JsonElement item) =>
        item.TryGetProperty("output", out var output) ? output.ValueKind == JsonValueKind.String ? output.GetString() : output.Clone() : null;

    private static Dictionary<string, object?>? Arguments(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json, Json);
        }
        catch (JsonException)
        {
            return new Dictionary<string, object?> { ["arguments"] = json };
        }
    }

    private static string? Text(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonElement Element(JsonObject node) => JsonSerializer.SerializeToElement(node);
}
