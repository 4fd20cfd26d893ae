using System.Runtime.InteropServices;
using System.Text.Json;

namespace OrleansSessions.Abstractions;

/// <summary>How a JSON value (an item, a data value, metadata) crosses a grain call: its UTF-8 text exactly as it was
/// received, so it comes back byte for byte as sent, and is never re-serialized on the way.</summary>
[GenerateSerializer, Immutable, Alias("os.Json")]
public readonly struct JsonElementSurrogate(byte[] utf8)
{
    [Id(0)] public byte[] Utf8 { get; } = utf8;
}

[RegisterConverter]
public sealed class JsonElementConverter : IConverter<JsonElement, JsonElementSurrogate>
{
    public JsonElement ConvertFromSurrogate(in JsonElementSurrogate surrogate)
    {
        if (surrogate.Utf8 is not { Length: > 0 } utf8) return default;
        var reader = new Utf8JsonReader(utf8);
        return JsonElement.ParseValue(ref reader);
    }

    public JsonElementSurrogate ConvertToSurrogate(in JsonElement value) =>
        new(value.ValueKind == JsonValueKind.Undefined ? [] : JsonMarshal.GetRawUtf8Value(value).ToArray());
}
