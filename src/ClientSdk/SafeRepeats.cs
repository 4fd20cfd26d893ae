using System.Net;

namespace OrleansSessions.ClientSdk;

/// <summary>How a request that is safe to repeat — a read, or a write carrying an operation id (a repeat of one is
/// stored once) — is sent again: after a 429 or 503, waiting as Retry-After says (at most 10 s), and after a failed
/// connection (0.5 s, then 1 s, 1.5 s…), as the TypeScript client does. Other writes are sent once: a repeat might
/// store them twice.</summary>
internal static class SafeRepeats
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    /// <summary>Calls <paramref name="send"/> (which must build a new request each time) once, and up to
    /// <paramref name="retries"/> more times while the answer says to try again.</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        Func<CancellationToken, Task<HttpResponseMessage>> send, int retries, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan wait;
            try
            {
                var response = await send(cancellationToken);
                if (attempt >= retries || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)) return response;
                wait = Min(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(attempt + 1), LongestWait);
                response.Dispose();
            }
            catch (HttpRequestException) when (attempt < retries)
            {
                wait = TimeSpan.FromMilliseconds(500 * (attempt + 1));
            }
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
