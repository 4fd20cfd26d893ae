using System.Text.Json;

namespace OrleansSessions.Tests.Infrastructure;

public static class Items
{
    public static JsonElement Message(string content, string role = "user") =>
        JsonSerializer.SerializeToElement(new { role, content });

    public static string Content(JsonElement item) => item.GetProperty("content").GetString()!;
}
