using StackExchange.Redis;

namespace OrleansSessions.Silo.Redis;

/// <summary>Turns a first connection that failed into an error that says why and which setting to look at.</summary>
internal static class RedisStartFailure
{
    public static InvalidOperationException Explain(RedisConnectionException error, ConfigurationOptions connection, string? certificateRefusal)
    {
        var where = connection.ServiceName is { } service
            ? $"the primary of '{service}' named by the sentinels at {Endpoints(connection)}"
            : $"Redis at {Endpoints(connection)}";
        var credentials = connection.ServiceName is null
            ? "the user and password of Redis:ConnectionString (or REDIS_URL)"
            : "the user and password of Redis:ConnectionString (or REDIS_URL), and Redis:Sentinel:User/Password for the sentinels";
        var message = certificateRefusal is not null
            ? $"The TLS connection to {where} was refused by the silo: {certificateRefusal}. Check Redis:CaFile and the server's certificate."
            : error.FailureType == ConnectionFailureType.AuthenticationFailure
                ? $"{where} refused the silo's credentials or its TLS handshake: check {credentials} "
                    + $"(and Redis:ClientCertificatePath when the server asks for a client certificate). Redis said: {error.Message}"
                : $"Could not connect to {where} within Redis:ConnectTimeoutMs ({connection.ConnectTimeout} ms): {error.Message}";
        return new InvalidOperationException(message, error);
    }

    private static string Endpoints(ConfigurationOptions connection) => string.Join(",", connection.EndPoints.Select(EndPointCollection.ToString));
}
