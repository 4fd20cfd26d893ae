namespace OrleansSessions.Contracts;

/// <summary>The problem documents (RFC 9457) the HTTP API answers a refusal with, as every transport reports them: one
/// title per status, and how long a 503 asks the caller to wait before sending again.</summary>
public static class Problems
{
    /// <summary>The Retry-After of a 503: about the default failure-detection time, after which a dead silo's sessions
    /// answer on a survivor.</summary>
    public static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(2);

    public static string Title(int status) => status switch
    {
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        503 => "Unavailable",
        _ => "Bad request",
    };
}
