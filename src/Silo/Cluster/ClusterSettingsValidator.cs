using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Cluster;

/// <summary>Checks <see cref="ClusterSettings"/>: every value in range, and an advertised host name that resolves. Each
/// failure names its key ("Orleans:SiloPort: …").</summary>
internal sealed class ClusterSettingsValidator : IValidateOptions<ClusterSettings>
{
    private const string KeyPrefix = ClusterSettings.Section + ":";

    public ValidateOptionsResult Validate(string? name, ClusterSettings settings)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        var errors = results.Select(r => r.ErrorMessage is { } m && m.StartsWith(KeyPrefix, StringComparison.Ordinal)
            ? m : $"{KeyPrefix}{r.MemberNames.FirstOrDefault()}: {r.ErrorMessage}").ToList();
        if (settings.AdvertisedAddress is { Length: > 0 } host && !IPAddress.TryParse(host, out _) && ClusterSettings.Resolve(host) is null)
        {
            errors.Add($"{KeyPrefix}AdvertisedAddress: '{host}' is neither an IP address nor a host name that resolves.");
        }
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
