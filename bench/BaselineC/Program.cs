using OrleansSessions.Bench.BaselineC;
using StackExchange.Redis;

// Baseline C: a minimal API over Redis lists, with the silo's URL shapes so the same load scripts drive both.
// Configuration: Redis (connection string), KeyPrefix, ApiKeyHash (hex SHA-256 of the one accepted X-Api-Key).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var configuration = builder.Configuration;
var redis = await ConnectionMultiplexer.ConnectAsync(Required("Redis"));
var sessions = new SessionLists(redis, Required("KeyPrefix"));
var app = builder.Build();

app.MapGet("/hello", () => "hello");

var v1 = app.MapGroup("/v1").AddEndpointFilter(new ApiKeyCheck(Required("ApiKeyHash")));
v1.MapPost("/sessions/{id}/items", (string id, HttpRequest request) => sessions.AppendAsync(id, request));
v1.MapGet("/sessions/{id}/items", (string id, int? limit, HttpResponse response) => sessions.ReadAsync(id, limit, response));

await app.RunAsync();
await redis.DisposeAsync();

string Required(string name) => configuration[name] ?? throw new InvalidOperationException($"The configuration needs {name}.");
