using System.Text.Json;

namespace OrleansSessions.Tests.Infrastructure;

public static class Items
{
    public static JsonElement Message(string content, string role = "user") =>
        JsonSerializer.SerializeToElement(new { role, content });

    public static string Content(JsonElement item) => item.GetProperty("content").GetString()!;

    /// <summary>An item written out as JSON text, as an agent run produces it.</summary>
    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
