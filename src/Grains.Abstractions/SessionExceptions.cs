namespace OrleansSessions.Abstractions;

// Thrown by the grains and carried to their callers across silos, so each is serializable with what it names.

[GenerateSerializer, Alias("os.SessionNotFoundException")]
public sealed class SessionNotFoundException(string sessionId)
    : Exception($"Session '{sessionId}' was not found.")
{
    [Id(0)] public string SessionId { get; } = sessionId;
}

[GenerateSerializer, Alias("os.SessionAlreadyExistsException")]
public sealed class SessionAlreadyExistsException(string sessionId)
    : Exception($"Session '{sessionId}' already exists.")
{
    [Id(0)] public string SessionId { get; } = sessionId;
}

[GenerateSerializer, Alias("os.OperationIdConflictException")]
public sealed class OperationIdConflictException(string operationId)
    : Exception($"Operation id '{operationId}' was already used with different content.")
{
    [Id(0)] public string OperationId { get; } = operationId;
}

[GenerateSerializer, Alias("os.HistoryPreconditionFailedException")]
public sealed class HistoryPreconditionFailedException(string sessionId)
    : Exception($"The newest items of session '{sessionId}' are not the expected suffix; nothing was changed.")
{
    [Id(0)] public string SessionId { get; } = sessionId;
}

/// <summary>A request refused, by the request rules or a grain: <see cref="Field"/> names what was wrong,
/// <see cref="Limit"/> the limit it broke where one applies, <see cref="TooLarge"/> says it was a size.</summary>
[GenerateSerializer, Alias("os.InvalidSessionRequestException")]
public sealed class InvalidSessionRequestException(string field, string message, long? limit = null, bool tooLarge = false) : Exception(message)
{
    [Id(0)] public string Field { get; } = field;
    [Id(1)] public long? Limit { get; } = limit;
    [Id(2)] public bool TooLarge { get; } = tooLarge;
}

/// <summary>The session has too many calls waiting already (its store is slow or stalled); nothing was done, and a
/// retry after a moment is safe.</summary>
[GenerateSerializer, Alias("os.SessionBusyException")]
public sealed class SessionBusyException(string sessionId)
    : Exception($"Session '{sessionId}' has too many calls waiting; retry shortly.")
{
    [Id(0)] public string SessionId { get; } = sessionId;
}

/// <summary>The session store (Redis) did not answer in time or is unreachable; the call changed nothing it
/// acknowledged, and a retry (with the same operation id) is safe.</summary>
[GenerateSerializer, Alias("os.SessionStoreUnavailableException")]
public sealed class SessionStoreUnavailableException(string message) : Exception(message);
