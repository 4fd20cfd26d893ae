using System.Net;

namespace OrleansSessions.ClientSdk;

/// <summary>The silo answered with an error. <see cref="Problem"/> is its problem document, when it sent one.</summary>
public class SessionsApiException(HttpStatusCode status, ApiProblem? problem)
    : Exception(problem?.Detail ?? problem?.Title ?? $"The sessions API answered {(int)status} {status}.")
{
    public HttpStatusCode Status { get; } = status;
    public ApiProblem? Problem { get; } = problem;

    /// <summary>The exception of the meaning of <paramref name="status"/>, whichever transport answered it.</summary>
    public static SessionsApiException For(HttpStatusCode status, ApiProblem? problem, TimeSpan? retryAfter) => status switch
    {
        HttpStatusCode.NotFound => new SessionsNotFoundException(problem),
        HttpStatusCode.Conflict => new SessionsConflictException(problem),
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType =>
            new SessionsRequestRejectedException(status, problem),
        HttpStatusCode.ServiceUnavailable => new SessionsUnavailableException(problem, retryAfter),
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SessionsAccessDeniedException(status, problem),
        HttpStatusCode.TooManyRequests => new SessionsRateLimitedException(problem, retryAfter),
        _ => new SessionsApiException(status, problem),
    };
}

/// <summary>404: the session does not exist, or is not the caller's.</summary>
public sealed class SessionsNotFoundException(ApiProblem? problem) : SessionsApiException(HttpStatusCode.NotFound, problem);

/// <summary>409: the session id is taken, or the operation id was used with other content.</summary>
public sealed class SessionsConflictException(ApiProblem? problem) : SessionsApiException(HttpStatusCode.Conflict, problem);

/// <summary>400, 413 or 415: the request broke a rule; <see cref="ApiProblem.Field"/> names what.</summary>
public sealed class SessionsRequestRejectedException(HttpStatusCode status, ApiProblem? problem) : SessionsApiException(status, problem);

/// <summary>503: the silo or its store is unavailable; retry after <see cref="RetryAfter"/>.</summary>
public sealed class SessionsUnavailableException(ApiProblem? problem, TimeSpan? retryAfter)
    : SessionsApiException(HttpStatusCode.ServiceUnavailable, problem)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>401 or 403: no valid key or token was sent, or its scope does not allow the route.</summary>
public sealed class SessionsAccessDeniedException(HttpStatusCode status, ApiProblem? problem) : SessionsApiException(status, problem);

/// <summary>429: the tenant's or user's rate limit is reached; retry after <see cref="RetryAfter"/>.</summary>
public sealed class SessionsRateLimitedException(ApiProblem? problem, TimeSpan? retryAfter)
    : SessionsApiException(HttpStatusCode.TooManyRequests, problem)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
