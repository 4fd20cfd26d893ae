using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Api;

/// <summary>Checks ids, names and query values against <see cref="ApiLimits"/>.</summary>
public sealed class InputRules(IOptions<ApiLimits> options)
{
    public ApiLimits Limits => options.Value;

    /// <summary>Ids (sessions, users, operations): a letter or digit, then letters, digits and . _ : @ -.</summary>
    public string Id(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) throw ApiProblemException.BadRequest(field, $"{field} is required.");
        if (value.Length > Limits.MaxIdLength)
        {
            throw ApiProblemException.BadRequest(field, $"{field} is longer than {Limits.MaxIdLength} characters.", Limits.MaxIdLength);
        }
        if (!char.IsAsciiLetterOrDigit(value[0]) || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-'))
        {
            throw ApiProblemException.BadRequest(field,
                $"{field} must start with a letter or digit and contain only letters, digits and . _ : @ -");
        }
        return value;
    }

    /// <summary>Free text such as a title or an agent name: no control characters, at most <paramref name="maxLength"/>.</summary>
    public string Text(string field, string value, int maxLength)
    {
        if (value.Length == 0) throw ApiProblemException.BadRequest(field, $"{field} must not be empty.");
        if (value.Length > maxLength)
        {
            throw ApiProblemException.BadRequest(field, $"{field} is longer than {maxLength} characters.", maxLength);
        }
        if (value.Any(char.IsControl)) throw ApiProblemException.BadRequest(field, $"{field} must not contain control characters.");
        return value;
    }

    public bool OptionalFlag(string field, string? value) => value switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw ApiProblemException.BadRequest(field, $"{field} must be true or false."),
    };

    /// <summary>A JSON value stored as data: at most MaxItemBytes.</summary>
    public JsonElement DataValue(string field, JsonElement value)
    {
        if (Utf8Bytes(value) > Limits.MaxItemBytes)
        {
            throw ApiProblemException.TooLarge(field, $"{field} is larger than {Limits.MaxItemBytes} bytes.", Limits.MaxItemBytes);
        }
        return value.Clone();
    }

    /// <summary>The size of a JSON value as it was sent, read without copying it.</summary>
    public static int Utf8Bytes(JsonElement value) => JsonMarshal.GetRawUtf8Value(value).Length;

    public long? OptionalNumber(string field, string? value, long min, long max)
    {
        if (value is null) return null;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw ApiProblemException.BadRequest(field, $"{field} must be a whole number from {min} to {max}.", max);
        }
        return number;
    }
}
