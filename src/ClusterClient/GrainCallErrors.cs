using System.Net;
using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.ClientSdk;

namespace OrleansSessions.ClusterClient;

/// <summary>Turns what a grain call failed with into the <see cref="SessionsApiException"/> the HTTP client would have
/// thrown for the same call, problem document and all, so callers handle one set of errors whatever the transport.</summary>
internal static class GrainCallErrors
{
    /// <summary>The silos' Retry-After for a 503.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    public static SessionsApiException? Translate(Exception exception)
    {
        // A grain whose key is refused fails to activate: Orleans wraps what its constructor threw.
        if ((SessionProblem.Of(exception) ?? (exception.InnerException is { } inner ? SessionProblem.Of(inner) : null)) is not { } problem) return null;
        var document = new ApiProblem(null, problem.Title, problem.Status, problem.Detail, problem.Field,
            problem.Limit is { } limit ? JsonSerializer.SerializeToElement(limit) : null);
        return problem.Status switch
        {
            404 => new SessionsNotFoundException(document),
            409 => new SessionsConflictException(document),
            400 or 413 => new SessionsRequestRejectedException((HttpStatusCode)problem.Status, document),
            SessionProblem.Unavailable => new SessionsUnavailableException(document, RetryAfter),
            _ => new SessionsApiException((HttpStatusCode)problem.Status, document),
        };
    }
}
