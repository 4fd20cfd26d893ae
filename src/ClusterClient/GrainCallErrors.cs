using System.Net;
using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.ClusterClient;

/// <summary>Turns what a grain call failed with into the <see cref="SessionsApiException"/> the HTTP client would have
/// thrown for the same call, problem document and all, so callers handle one set of errors whatever the transport.</summary>
internal static class GrainCallErrors
{
    public static SessionsApiException? Translate(Exception exception)
    {
        // A grain whose key is refused fails to activate: Orleans wraps what its constructor threw.
        if ((SessionProblem.Of(exception) ?? (exception.InnerException is { } inner ? SessionProblem.Of(inner) : null)) is not { } problem) return null;
        var document = new ApiProblem(null, problem.Title, problem.Status, problem.Detail, problem.Field,
            problem.Limit is { } limit ? JsonSerializer.SerializeToElement(limit) : null);
        return SessionsApiException.For((HttpStatusCode)problem.Status, document,
            problem.Status == SessionProblem.Unavailable ? Problems.UnavailableRetryAfter : null);
    }
}
