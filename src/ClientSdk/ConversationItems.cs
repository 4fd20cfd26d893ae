using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansSessions.ClientSdk;

/// <summary>Builds message items and turns stored items back into model input.</summary>
public static class ConversationItems
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>An Agents SDK input message, <c>{"role", "content"}</c>; extra details go under "metadata".</summary>
    public static JsonElement Message(string role, string content, IReadOnlyDictionary<string, object?>? metadata = null)
    {
        var message = new JsonObject { ["role"] = role, ["content"] = content };
        if (metadata is { Count: > 0 }) message["metadata"] = JsonSerializer.SerializeToNode(metadata, Json);
        return JsonSerializer.SerializeToElement(message);
    }

    /// <summary>The item as a model accepts it: a message loses the "metadata" this library keeps with it.</summary>
    public static JsonElement ToAgentInput(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("role", out _) || !item.TryGetProperty("metadata", out _))
        {
            return item;
        }
        var copy = JsonNode.Parse(item.GetRawText())!.AsObject();
        copy.Remove("metadata");
        return JsonSerializer.SerializeToElement(copy);
    }

    /// <summary>A new operation id, so a transport retry of the same append is stored once.</summary>
    public static string NewOperationId() => Guid.NewGuid().ToString("N");
}
