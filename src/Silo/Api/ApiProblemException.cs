namespace OrleansSessions.Silo.Api;

/// <summary>A request the API refuses: becomes an RFC 9457 problem naming <see cref="Field"/> and, where one
/// applies, the <see cref="Limit"/> it broke.</summary>
public sealed class ApiProblemException(int status, string field, string detail, object? limit = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Field { get; } = field;
    public object? Limit { get; } = limit;

    public static ApiProblemException BadRequest(string field, string detail, object? limit = null) =>
        new(StatusCodes.Status400BadRequest, field, detail, limit);

    public static ApiProblemException TooLarge(string field, string detail, object? limit) =>
        new(StatusCodes.Status413PayloadTooLarge, field, detail, limit);
}
