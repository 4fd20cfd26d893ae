using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Auth;

/// <summary>Checks <see cref="BrowserCorsSettings"/>: each origin is what a browser sends in its Origin header —
/// http or https, a host, maybe a port, and nothing after it (not even "/"), or it would never match and every
/// preflight would fail without a word.</summary>
internal sealed class BrowserCorsSettingsValidator : IValidateOptions<BrowserCorsSettings>
{
    public ValidateOptionsResult Validate(string? name, BrowserCorsSettings settings)
    {
        var errors = settings.Origins.Where(origin => !IsOrigin(origin))
            .Select(origin => $"Cors:Origins: '{origin}' is not an origin: write scheme://host[:port] with nothing after it, " +
                "e.g. https://app.example or http://localhost:5173; several go in one value separated by commas or spaces.")
            .ToList();
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0
        && uri.Host.Length > 0
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);
}
