using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansSessions.Contracts;

namespace OrleansSessions.Abstractions;

/// <summary>An item as a session grain holds it: its sequence number, the server time it was appended, and its JSON
/// as the UTF-8 text it was sent as — compact in memory, written to HTTP as it is. Orleans does not track references
/// to it or to the page: each item is in a page once, and tracking hundreds per message costs a dictionary on each side.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("os.SessionItem")]
public sealed record SessionItem(long Seq, DateTimeOffset CreatedAt, byte[] Json)
{
    /// <summary>The item parsed (a new parse on every access: for callers that want to look inside).</summary>
    public JsonElement Item => JsonElement.Parse(Json);
}

/// <summary>What a session grain answers a read with; as JSON it is exactly an <see cref="ItemsPage"/>.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("os.SessionItems")]
[JsonConverter(typeof(SessionItemsJsonConverter))]
public sealed record SessionItems(IReadOnlyList<SessionItem> Items, long LastSeq, long Version);

/// <summary>Writes <see cref="SessionItems"/> as <c>{items: [{seq, createdAt, item}], lastSeq, version}</c>, each item's
/// JSON copied through unparsed; reading is left to <see cref="ItemsPage"/>.</summary>
public sealed class SessionItemsJsonConverter : JsonConverter<SessionItems>
{
    public override SessionItems Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Read session items as an ItemsPage.");

    public override void Write(Utf8JsonWriter writer, SessionItems value, JsonSerializerOptions options)
    {
        var names = PropertyNames.For(options.PropertyNamingPolicy);
        writer.WriteStartObject();
        writer.WriteStartArray(names.Items);
        foreach (var item in value.Items)
        {
            writer.WriteStartObject();
            writer.WriteNumber(names.Seq, item.Seq);
            writer.WriteString(names.CreatedAt, item.CreatedAt);
            writer.WritePropertyName(names.Item);
            writer.WriteRawValue(item.Json, skipInputValidation: true); // validated when it was received
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteNumber(names.LastSeq, value.LastSeq);
        writer.WriteNumber(names.Version, value.Version);
        writer.WriteEndObject();
    }

    /// <summary>The properties' names as the serializer would write <see cref="ItemsPage"/>'s (camelCase on the web),
    /// encoded once rather than converted and escaped for every item.</summary>
    private sealed record PropertyNames(JsonEncodedText Items, JsonEncodedText Seq, JsonEncodedText CreatedAt, JsonEncodedText Item,
        JsonEncodedText LastSeq, JsonEncodedText Version)
    {
        private static readonly PropertyNames AsDeclared = Of(null);
        private static readonly PropertyNames CamelCase = Of(JsonNamingPolicy.CamelCase);

        public static PropertyNames For(JsonNamingPolicy? policy) =>
            policy is null ? AsDeclared : ReferenceEquals(policy, JsonNamingPolicy.CamelCase) ? CamelCase : Of(policy);

        private static PropertyNames Of(JsonNamingPolicy? policy)
        {
            JsonEncodedText Name(string name) => JsonEncodedText.Encode(policy?.ConvertName(name) ?? name);
            return new(Name("Items"), Name("Seq"), Name("CreatedAt"), Name("Item"), Name("LastSeq"), Name("Version"));
        }
    }
}
