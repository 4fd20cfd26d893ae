using System.Text.Unicode;
using OrleansSessions.Abstractions;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>Reads a request body as one JSON document, within the size and depth limits, before anything else
/// looks at it.</summary>
internal static class JsonRequest
{
    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, ApiLimits limits, CancellationToken cancellationToken)
    {
        var document = await ReadValueAsync(request, limits, cancellationToken);
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        document.Dispose();
        throw new InvalidSessionRequestException("body", "The body must be a JSON object.");
    }

    public static async Task<JsonDocument> ReadValueAsync(HttpRequest request, ApiLimits limits, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } contentType
            && (!MediaTypeHeaderValue.TryParse(contentType, out var media)
                || !(media.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) ?? false)))
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Content-Type",
                "The body must be JSON (Content-Type: application/json).");
        }
        if (request.ContentLength > limits.MaxRequestBodyBytes) throw BodyTooLarge(limits);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        }

        var body = await ReadBoundedAsync(request, limits, cancellationToken);
        if (!Utf8.IsValid(body.Span)) throw new InvalidSessionRequestException("body", "The body is not valid UTF-8.");
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
        }
        catch (JsonException error)
        {
            var tooDeep = Inspect(body.Span).Deepest > limits.MaxJsonDepth;
            throw new InvalidSessionRequestException("body", InvalidJson(body.Span, limits.MaxJsonDepth, error), tooDeep ? limits.MaxJsonDepth : null);
        }
    }

    /// <summary>What is wrong with a body the parser refused, in words a client can act on.</summary>
    private static string InvalidJson(ReadOnlySpan<byte> body, int maxDepth, JsonException error)
    {
        var (deepest, endsTooSoon) = Inspect(body);
        if (deepest > maxDepth) return $"The JSON is nested deeper than {maxDepth} levels.";
        if (body.Trim(" \t\r\n"u8).IsEmpty) return "The body is empty; it must be JSON.";
        if (endsTooSoon) return "The body is not valid JSON: it ends before the value is complete (an object, array or string is left open).";
        var at = error.BytePositionInLine is { } position ? $" at line {error.LineNumber + 1}, byte {position + 1}" : "";
        return $"The body is not valid JSON{at}: {error.Message.Split(" LineNumber:")[0]}";
    }

    /// <summary>How deep the body's objects and arrays go, and whether everything in it is valid JSON that simply
    /// stops too soon (read as a block that more data would follow).</summary>
    private static (int Deepest, bool EndsTooSoon) Inspect(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = int.MaxValue }));
        var deepest = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) deepest = Math.Max(deepest, reader.CurrentDepth + 1);
            }
            return (deepest, true);
        }
        catch (JsonException)
        {
            return (deepest, false);
        }
    }

    /// <summary>Reads the whole body into one array sized by Content-Length when the client sent it (one byte more, for
    /// the read that finds the end), growing it only for a body of unknown length; never past the limit.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpRequest request, ApiLimits limits, CancellationToken cancellationToken)
    {
        var limit = (int)limits.MaxRequestBodyBytes;
        var buffer = new byte[(int)Math.Min(request.ContentLength ?? 4_096, limit) + 1];
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled > limit) throw BodyTooLarge(limits);
                    Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, limit + 1L));
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0) return buffer.AsMemory(0, filled);
                filled += read;
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyTooLarge(limits);
        }
    }

    private static InvalidSessionRequestException BodyTooLarge(ApiLimits limits) =>
        new("body", $"The body is larger than {limits.MaxRequestBodyBytes} bytes.", limits.MaxRequestBodyBytes, tooLarge: true);
}
