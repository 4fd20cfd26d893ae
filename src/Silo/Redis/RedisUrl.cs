using StackExchange.Redis;

namespace OrleansSessions.Silo.Redis;

/// <summary>Turns what users configure — redis://[:password@]host[:port][/db], rediss://… for TLS, or a
/// StackExchange.Redis configuration string — into connection options.</summary>
internal static class RedisUrl
{
    public static ConfigurationOptions Parse(string value)
    {
        if (!value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ConfigurationOptions.Parse(value);
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new FormatException("The Redis URL is not of the form redis://[:password@]host[:port][/db].");
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort ? 6379 : uri.Port);
        if (options.Ssl) options.SslHost = uri.Host;

        var userInfo = Uri.UnescapeDataString(uri.UserInfo);
        var colon = userInfo.IndexOf(':');
        var password = colon >= 0 ? userInfo[(colon + 1)..] : userInfo;
        if (password.Length > 0) options.Password = password;

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, out var db) && db >= 0
                ? db
                : throw new FormatException("The Redis URL's path must be a database number.");
        }
        return options;
    }
}
