using Microsoft.Extensions.Options;
using OrleansSessions.Grains.Storage;
using StackExchange.Redis;

namespace OrleansSessions.Silo.Redis;

/// <summary>
/// The silo's one connection to its Redis-protocol server, shared by the grains and Orleans' Redis membership: the
/// configured server, or an embedded Garnet started here when none is configured. It opens before any hosted
/// service starts (the web server and the silo included, so no request or grain call can come before it) and closes
/// after all of them have stopped (so grains deactivating on shutdown still have it).
/// </summary>
internal sealed partial class RedisConnection(
    IOptions<RedisOptions> options,
    IOptions<SessionStoreOptions> storeOptions,
    IOptions<EmbeddedStoreOptions> embeddedOptions,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<RedisConnection> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly TaskCompletionSource<IConnectionMultiplexer> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer? _multiplexer;
    private EmbeddedGarnet? _embedded;

    public IConnectionMultiplexer Multiplexer =>
        _multiplexer ?? throw new InvalidOperationException("The Redis connection is opened when the silo starts.");

    /// <summary>The connection while it is open; null before the silo started and after it stopped.</summary>
    public IConnectionMultiplexer? Current => _multiplexer;

    /// <summary>How the connection was made (for Orleans' options, which want to see one).</summary>
    public ConfigurationOptions Options { get; private set; } = new();

    /// <summary>The connection, once the silo has opened it.</summary>
    public Task<IConnectionMultiplexer> ConnectAsync() => _opened.Task;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        ConfigurationOptions connection;
        RedisServerCertificateCheck? certificateCheck = null;
        if (!RedisConfiguration.IsConfigured(configuration))
        {
            var dataDirectory = embeddedOptions.Value.DataDirectory
                ?? Path.Combine(environment.ContentRootPath, ".data", "garnet");
            _embedded = await EmbeddedGarnet.StartAsync(Path.GetFullPath(dataDirectory), cancellationToken);
            LogEmbeddedStarted(_embedded.Endpoint, _embedded.DataDirectory);
            connection = ConfigurationOptions.Parse(_embedded.Endpoint);
        }
        else
        {
            var settings = options.Value;
            connection = RedisConfiguration.Build(settings, configuration);
            if (connection.Ssl)
            {
                var cas = string.IsNullOrWhiteSpace(settings.CaFile) ? null : RedisTlsFiles.LoadCa(settings.CaFile);
                certificateCheck = new RedisServerCertificateCheck(cas, settings.CaFile);
                connection.CertificateValidation += certificateCheck.Validate;
            }
            if (!string.IsNullOrWhiteSpace(settings.ClientCertificatePath) && !string.IsNullOrWhiteSpace(settings.ClientKeyPath))
            {
                var certificate = RedisTlsFiles.LoadClientCertificate(settings.ClientCertificatePath, settings.ClientKeyPath);
                connection.CertificateSelection += (_, _, _, _, _) => certificate;
            }
        }

        // A server that refuses the credentials or the TLS handshake, or that is not there, stops the start with the cause
        // named; once connected, the connection is re-established by itself whenever it drops.
        connection.AbortOnConnectFail = true;
        connection.ConnectTimeout = options.Value.ConnectTimeoutMs;
        // A Redis that accepts connections but stops answering fails calls within the command timeout instead of
        // holding them; timeouts are checked on each heartbeat, so beat at least twice per timeout.
        var timeout = storeOptions.Value.CommandTimeout;
        connection.AsyncTimeout = connection.SyncTimeout = (int)Math.Ceiling(timeout.TotalMilliseconds);
        connection.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(50, timeout.TotalMilliseconds / 2)));
        connection.BacklogPolicy = BacklogPolicy.FailFast; // while the connection is down, fail at once rather than queue
        Options = connection;
        try
        {
            _multiplexer = await ConnectionMultiplexer.ConnectAsync(connection);
        }
        catch (RedisConnectionException error)
        {
            throw RedisStartFailure.Explain(error, connection, certificateCheck?.LastRefusal);
        }
        _opened.TrySetResult(_multiplexer);
        // Through sentinels, the endpoints are the primary (and replicas) they named, not the sentinels configured.
        LogConnected(string.Join(",", _multiplexer.GetEndPoints().Select(EndPointCollection.ToString)), _multiplexer.IsConnected);
    }

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // Stopping the host and disposing the container both land here; whoever comes first closes.
        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            await multiplexer.CloseAsync();
            multiplexer.Dispose();
        }
        if (Interlocked.Exchange(ref _embedded, null) is { } embedded)
        {
            await embedded.DisposeAsync();
            LogEmbeddedStopped();
        }
    }

    [LoggerMessage(EventId = LogEvents.Redis.EmbeddedStoreStarted, Level = LogLevel.Warning,
        Message = "No Redis configured: started an embedded Garnet on {Endpoint}; its data lives in {DataDirectory}")]
    private partial void LogEmbeddedStarted(string endpoint, string dataDirectory);

    [LoggerMessage(EventId = LogEvents.Redis.Connected, Level = LogLevel.Information, Message = "Redis at {Endpoints} (connected: {Connected})")]
    private partial void LogConnected(string endpoints, bool connected);

    [LoggerMessage(EventId = LogEvents.Redis.EmbeddedStoreStopped, Level = LogLevel.Information, Message = "Embedded Garnet stopped")]
    private partial void LogEmbeddedStopped();
}
