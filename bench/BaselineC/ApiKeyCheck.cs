using System.Security.Cryptography;
using System.Text;

namespace OrleansSessions.Bench.BaselineC;

/// <summary>Compares the SHA-256 of a request's <c>X-Api-Key</c> with one configured hash (hex), in constant time.</summary>
public sealed class ApiKeyCheck(string hexHash) : IEndpointFilter
{
    private readonly byte[] _hash = Convert.FromHexString(hexHash);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Accepts(context.HttpContext.Request.Headers["X-Api-Key"].ToString())
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Unauthorized());

    private bool Accepts(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}
