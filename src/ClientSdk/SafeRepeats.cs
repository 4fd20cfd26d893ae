using System.Net;
using Polly;
using Polly.Retry;

namespace OrleansSessions.ClientSdk;

/// <summary>How a request that is safe to repeat — a read, or a write carrying an operation id (a repeat of one is
/// stored once) — is sent again: after a 429 or 503, waiting as Retry-After says (at most 10 s), and after a failed
/// connection (0.5 s, then 1 s, 1.5 s…), as the TypeScript client does. Other writes are sent once: a repeat might
/// store them twice.</summary>
internal static class SafeRepeats
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    public static ResiliencePipeline<HttpResponseMessage> Pipeline(int retries) => retries <= 0
        ? ResiliencePipeline<HttpResponseMessage>.Empty
        : new ResiliencePipelineBuilder<HttpResponseMessage>().AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = retries,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException
                || args.Outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result is { } response
                ? Min(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(args.AttemptNumber + 1), LongestWait)
                : TimeSpan.FromMilliseconds(500 * (args.AttemptNumber + 1))),
        }).Build();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
