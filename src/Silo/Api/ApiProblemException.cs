namespace OrleansSessions.Silo.Api;

/// <summary>A request the HTTP API refuses for what only HTTP has (a media type, a credential's reach): an RFC 9457
/// problem naming <see cref="Field"/>. What a request carries is refused as an
/// <see cref="Abstractions.InvalidSessionRequestException"/>, whichever transport it came by.</summary>
internal sealed class ApiProblemException(int status, string field, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Field { get; } = field;
}
