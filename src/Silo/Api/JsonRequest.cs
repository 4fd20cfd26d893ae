using System.Text.Unicode;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansSessions.Silo.Api;

/// <summary>Reads a request body as one JSON document, within the size and depth limits, before anything else
/// looks at it.</summary>
public static class JsonRequest
{
    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, ApiLimits limits, CancellationToken cancellationToken)
    {
        var document = await ReadValueAsync(request, limits, cancellationToken);
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        document.Dispose();
        throw ApiProblemException.BadRequest("body", "The body must be a JSON object.");
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

        var body = await ReadBoundedAsync(request.Body, limits, cancellationToken);
        if (!Utf8.IsValid(body.Span)) throw ApiProblemException.BadRequest("body", "The body is not valid UTF-8.");
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
        }
        catch (JsonException error) when (error.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiProblemException.BadRequest("body", $"The JSON is nested deeper than {limits.MaxJsonDepth} levels.", limits.MaxJsonDepth);
        }
        catch (JsonException error)
        {
            throw ApiProblemException.BadRequest("body", $"The body is not valid JSON: {error.Message}");
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream body, ApiLimits limits, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16_384];
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limits.MaxRequestBodyBytes) throw BodyTooLarge(limits);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyTooLarge(limits);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static ApiProblemException BodyTooLarge(ApiLimits limits) =>
        ApiProblemException.TooLarge("body", $"The body is larger than {limits.MaxRequestBodyBytes} bytes.", limits.MaxRequestBodyBytes);
}
