using System.Text.Json;

namespace OrleansSessions.Tests.Infrastructure;

public static class Items
{
    public static JsonElement Message(string content, string role = "user") =>
        JsonSerializer.SerializeToElement(new { role, content });

    public static string Content(JsonElement item) => item.GetProperty("content").GetString()!;

    /// <summary>An append's HTTP body whose items read "<paramref name="name"/>/0", "…/1", and so on, so what is stored
    /// shows which batch each item came from and whether the batch is whole and in order.</summary>
    public static object NumberedBatch(string name, int count, string userId, string? operationId) => new
    {
        items = Enumerable.Range(0, count).Select(i => new { role = "user", content = $"{name}/{i}" }).ToArray(),
        operationId,
        userId,
    };

    /// <summary>An item written out as JSON text, as an agent run produces it.</summary>
    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
