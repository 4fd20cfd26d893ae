using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;
using OrleansSessions.Grains;

namespace OrleansSessions.Silo.Api;

/// <summary>Maps what a request can run into to a problem document: refused input to 4xx; an unreachable Redis, a
/// grain call caught by a silo's death or shutdown, or a call that timed out to 503 with Retry-After (a retry with
/// the same operation id is stored once).</summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception);
        if (problem is null) return false;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = ((int)Problems.UnavailableRetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            LogUnavailable(exception.GetType().Name, exception.Message);
        }
        context.Response.StatusCode = problem.Status!.Value;
        var written = await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
        // The service declines when the request's Accept header names no JSON type (an EventSource sends
        // text/event-stream); the caller still gets the problem document rather than a 500.
        if (!written) await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    private static ProblemDetails? Describe(Exception exception) => exception switch
    {
        ApiProblemException refused => Problem(refused.Status, Problems.Title(refused.Status), refused.Message, refused.Field),
        BadHttpRequestException bad => Problem(bad.StatusCode, Problems.Title(bad.StatusCode), bad.Message, "request"),
        _ when StoreFailureFilter.IsUnavailable(exception) => Describe(new SessionStoreUnavailableException(exception.Message)),
        _ when SessionProblem.Of(exception) is { } problem => Problem(problem.Status, problem.Title, problem.Detail, problem.Field, problem.Limit),
        _ => null,
    };

    private static ProblemDetails Problem(int status, string title, string detail, string? field, object? limit = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null) problem.Extensions["field"] = field;
        if (limit is not null) problem.Extensions["limit"] = limit;
        return problem;
    }

    [LoggerMessage(EventId = LogEvents.Api.AnsweredUnavailable, Level = LogLevel.Warning, Message = "Answered 503: {ErrorType}: {Error}")]
    private partial void LogUnavailable(string errorType, string error);
}
