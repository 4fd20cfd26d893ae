using System.Text.Json;

namespace OrleansSessions.Bench;

/// <summary>The items the scenarios write: Agents SDK-shaped messages and tool calls of realistic size.</summary>
public static class Workload
{
    private static readonly string Sentence = "The quick brown fox jumps over the lazy dog while the agent thinks about the answer. ";

    public static IReadOnlyList<string> Turn(Random random, int count) =>
        Enumerable.Range(0, count).Select(i => (i % 4) switch
        {
            0 => JsonSerializer.Serialize(new { role = "user", content = Text(random, 1, 3) }),
            1 => JsonSerializer.Serialize(new { type = "function_call", call_id = $"c{random.Next()}", name = "lookup", arguments = "{\"q\":\"weather\"}" }),
            2 => JsonSerializer.Serialize(new { type = "function_call_output", call_id = $"c{random.Next()}", output = Text(random, 1, 2) }),
            _ => JsonSerializer.Serialize(new { role = "assistant", content = Text(random, 2, 5) }),
        }).ToList();

    private static string Text(Random random, int min, int max) => string.Concat(Enumerable.Repeat(Sentence, random.Next(min, max + 1)));
}
