using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains;

/// <summary>Sets the value at a path of object keys inside a JSON document, creating objects on the way.</summary>
public static class JsonPathUpdate
{
    /// <exception cref="InvalidSessionRequestException">the path is empty or runs through something that is not an object.</exception>
    public static string Apply(string json, IReadOnlyList<string> path, JsonElement value)
    {
        if (path.Count == 0) throw new InvalidSessionRequestException("path", "path must name at least one key.");
        var root = JsonNode.Parse(json) as JsonObject
            ?? throw new InvalidSessionRequestException("path", "the value is not a JSON object, so it has no paths inside it.");
        var target = root;
        for (var i = 0; i < path.Count - 1; i++)
        {
            target = target[path[i]] switch
            {
                null => (JsonObject)(target[path[i]] = new JsonObject()),
                JsonObject inner => inner,
                _ => throw new InvalidSessionRequestException("path", $"path: '{string.Join('.', path.Take(i + 1))}' is not a JSON object."),
            };
        }
        target[path[^1]] = JsonNode.Parse(value.GetRawText());
        return root.ToJsonString();
    }
}
