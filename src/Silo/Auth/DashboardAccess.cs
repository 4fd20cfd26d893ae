using System.Text;

namespace OrleansSessions.Silo.Auth;

/// <summary>
/// How a browser reaches the Orleans dashboard: it cannot add an X-Api-Key header to the dashboard's own requests, so
/// under <see cref="Path"/> (and only there) the key may also come as the password of HTTP Basic authentication, which
/// browsers ask for and then send with every request. Only an admin key opens it (the admin policy).
/// </summary>
internal static class DashboardAccess
{
    public const string Path = "/dashboard";

    public static bool Applies(HttpRequest request) => request.Path.StartsWithSegments(Path, StringComparison.Ordinal);

    /// <summary>The password of a Basic Authorization header on a dashboard request; the user name is not used.</summary>
    public static string? BasicPassword(HttpRequest request)
    {
        if (!Applies(request)) return null;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || header.Length > 2048) return null;
        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            return credentials.IndexOf(':') is var colon and >= 0 ? credentials[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
