using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Redis;

/// <summary>Checks the Redis settings at start: the URL or configuration string, the sentinel settings, and that the
/// TLS files exist and hold what they should. Each failure names its setting.</summary>
internal sealed class RedisOptionsValidator(IConfiguration configuration) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var errors = results.Select(r => $"{RedisOptions.Section}:{r.MemberNames.FirstOrDefault()}: {r.ErrorMessage}").ToList();
        if (!RedisConfiguration.IsConfigured(configuration)) return Result(errors); // the embedded development store

        void Check(Action check)
        {
            try
            {
                check();
            }
            catch (Exception error) when (error is FormatException or InvalidOperationException)
            {
                errors.Add(error.Message);
            }
        }
        Check(() => RedisConfiguration.Build(options, configuration));
        if (!string.IsNullOrWhiteSpace(options.CaFile)) Check(() => RedisTlsFiles.LoadCa(options.CaFile).Clear());
        var (certificate, key) = (options.ClientCertificatePath, options.ClientKeyPath);
        if (string.IsNullOrWhiteSpace(certificate) != string.IsNullOrWhiteSpace(key))
        {
            errors.Add("Redis:ClientCertificatePath and Redis:ClientKeyPath go together: set both or neither.");
        }
        else if (!string.IsNullOrWhiteSpace(certificate)) Check(() => RedisTlsFiles.LoadClientCertificate(certificate, key!).Dispose());
        return Result(errors);
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
