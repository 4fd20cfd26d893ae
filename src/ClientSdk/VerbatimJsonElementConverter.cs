using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSessions.ClientSdk;

/// <summary>Writes a <see cref="JsonElement"/> as the very text it was parsed from, so an item reaches the service — and
/// comes back — byte for byte as the caller wrote it (the serializer would otherwise re-escape its strings).</summary>
public sealed class VerbatimJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) =>
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
}
