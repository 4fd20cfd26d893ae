using System.Globalization;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace OrleansSessions.Silo.Redis;

/// <summary>Turns what users configure into connection options:
/// <list type="bullet">
/// <item><c>redis://[[user]:password@]host[:port][/db]</c>, or <c>rediss://…</c> for TLS (the host name is checked
/// against the server's certificate);</item>
/// <item><c>redis+sentinel://[[user]:password@]host1[:port1],host2[:port2],…/serviceName[/db]</c>: the sentinels
/// (port 26379 when left out) that name the primary of <c>serviceName</c>; the user and password serve the primary
/// and, unless <c>Redis:Sentinel:User</c>/<c>Password</c> say otherwise, the sentinels;</item>
/// <item>anything else: a StackExchange.Redis configuration string.</item>
/// </list>
/// User and password are percent-decoded (write <c>%40</c> for <c>@</c>, <c>%3A</c> for <c>:</c>).</summary>
internal static partial class RedisUrl
{
    private const string PlainForm = "redis://[[user]:password@]host[:port][/db]";
    private const string SentinelForm = "redis+sentinel://[[user]:password@]host1[:port1],host2[:port2],…/serviceName[/db]";

    public static ConfigurationOptions Parse(string value)
    {
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return ConfigurationOptions.Parse(value);

        var scheme = value[..schemeEnd].ToLowerInvariant();
        var sentinel = scheme == "redis+sentinel";
        if (scheme is not ("redis" or "rediss" or "redis+sentinel"))
        {
            throw new FormatException($"The Redis URL's scheme '{scheme}' is not redis://, rediss:// or redis+sentinel://.");
        }
        var form = sentinel ? SentinelForm : PlainForm;
        var rest = value[(schemeEnd + 3)..];
        if (rest.IndexOfAny(['?', '#']) >= 0) throw new FormatException($"The Redis URL takes no query or fragment; its form is {form}.");

        var options = new ConfigurationOptions { Ssl = scheme == "rediss" };
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':');
            if (colon < 0)
            {
                throw new FormatException($"The Redis URL's credentials must be user:password or :password (a user alone is ambiguous); its form is {form}.");
            }
            var user = Decode(userInfo[..colon], "user");
            var password = Decode(userInfo[(colon + 1)..], "password");
            if (user.Length > 0) options.User = user;
            if (password.Length > 0) options.Password = password;
            rest = rest[(at + 1)..];
        }

        var slash = rest.IndexOf('/');
        var hosts = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? [] : rest[(slash + 1)..].Split('/');
        if (path is [.., ""]) path = path[..^1]; // a trailing slash

        var hostList = hosts.Split(',');
        if (hosts.Length == 0 || hostList.Any(h => h.Length == 0)) throw new FormatException($"The Redis URL names no host; its form is {form}.");
        if (!sentinel && hostList.Length > 1)
        {
            throw new FormatException($"A redis:// URL names one host; for several sentinels use {SentinelForm}.");
        }
        foreach (var host in hostList)
        {
            var (name, port) = HostAndPort(host, sentinel ? SentinelPort : 6379, form);
            options.EndPoints.Add(name, port);
            if (options.Ssl) options.SslHost = name;
        }

        if (sentinel)
        {
            if (path.Length < 1 || path[0].Length == 0)
            {
                throw new FormatException($"A redis+sentinel:// URL names the service after the hosts; its form is {SentinelForm}.");
            }
            options.ServiceName = Uri.UnescapeDataString(path[0]);
            path = path[1..];
        }
        if (path.Length > 1) throw new FormatException($"The Redis URL's path is at most a database number; its form is {form}.");
        if (path.Length == 1)
        {
            options.DefaultDatabase = int.TryParse(path[0], NumberStyles.None, CultureInfo.InvariantCulture, out var db)
                ? db
                : throw new FormatException($"The Redis URL's path must be a database number, not '{path[0]}'; its form is {form}.");
        }
        return options;
    }

    public const int SentinelPort = 26379;

    /// <summary>host, host:port, [v6 address] or [v6 address]:port.</summary>
    internal static (string Host, int Port) HostAndPort(string value, int defaultPort, string form)
    {
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            if (close < 0) throw new FormatException($"The Redis URL's host '{value}' lacks its closing ']'; its form is {form}.");
            host = value[1..close];
            var after = value[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':')) throw new FormatException($"The Redis URL's host '{value}' is not [address]:port.");
                port = after[1..];
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            host = colon < 0 ? value : value[..colon];
            if (colon >= 0) port = value[(colon + 1)..];
        }
        if (host.Length == 0) throw new FormatException($"The Redis URL names no host in '{value}'; its form is {form}.");
        if (port is null) return (host, defaultPort);
        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
            ? (host, number)
            : throw new FormatException($"The Redis URL's port '{port}' is not a number from 1 to 65535.");
    }

    private static string Decode(string value, string part) =>
        BadEscape().IsMatch(value)
            ? throw new FormatException($"The Redis URL's {part} has a '%' that is not a percent-escape (write %25 for '%').")
            : Uri.UnescapeDataString(value);

    [GeneratedRegex("%(?![0-9A-Fa-f]{2})")]
    private static partial Regex BadEscape();
}
