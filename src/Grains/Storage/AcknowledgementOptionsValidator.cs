using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Grains.Storage;

/// <summary>Checks <see cref="AcknowledgementOptions"/>: each value in range, and, when replicas are waited for, a wait
/// that ends before the Redis call it is part of times out. Each failure names its key ("Redis:AcknowledgeTimeout: …").</summary>
internal sealed class AcknowledgementOptionsValidator(IOptions<SessionStoreOptions> store) : IValidateOptions<AcknowledgementOptions>
{
    private const string KeyPrefix = AcknowledgementOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, AcknowledgementOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var errors = results.Select(r => $"{KeyPrefix}{r.MemberNames.FirstOrDefault()}: {r.ErrorMessage}").ToList();
        var commandTimeout = store.Value.CommandTimeout;
        if (options.AcknowledgeAfterReplicas > 0 && options.AcknowledgeTimeout >= commandTimeout)
        {
            errors.Add($"{KeyPrefix}AcknowledgeTimeout: {options.AcknowledgeTimeout} must be shorter than " +
                $"{SessionStoreOptions.Section}:CommandTimeout ({commandTimeout}), or every wait for replicas would time out as a failed Redis call.");
        }
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
