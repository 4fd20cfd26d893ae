using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Responses;

namespace OrleansSessions.ClientSdk.Interop;

/// <summary>Converts between stored items and the OpenAI .NET SDK's <see cref="ResponseItem"/>: the item's own
/// wire JSON is what gets stored, so nothing is lost either way.</summary>
public static class ResponseItemJson
{
    public static JsonElement ToJson(ResponseItem item)
    {
        using var document = JsonDocument.Parse(ModelReaderWriter.Write(item));
        return document.RootElement.Clone();
    }

    /// <summary>Also reads the short message form <c>{"role", "content": "text"}</c> that the Agents SDK stores.</summary>
    public static ResponseItem ToResponseItem(JsonElement item) =>
        ModelReaderWriter.Read<ResponseItem>(BinaryData.FromString(AsResponsesMessage(item) ?? item.GetRawText()))
        ?? throw new JsonException("The item could not be read as a ResponseItem.");

    private static string? AsResponsesMessage(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || item.TryGetProperty("type", out _)
            || !item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
            || !item.TryGetProperty("content", out var content))
        {
            return null;
        }
        var partType = role.GetString() == "assistant" ? "output_text" : "input_text";
        JsonNode parts = content.ValueKind == JsonValueKind.String
            ? new JsonArray(new JsonObject { ["type"] = partType, ["text"] = content.GetString() })
            : JsonNode.Parse(content.GetRawText())!;
        if (partType == "output_text" && parts is JsonArray array)
        {
            foreach (var part in array.OfType<JsonObject>()) part.TryAdd("annotations", new JsonArray());
        }
        return new JsonObject { ["type"] = "message", ["role"] = role.GetString(), ["content"] = parts }.ToJsonString();
    }
}
