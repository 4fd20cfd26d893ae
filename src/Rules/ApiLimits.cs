using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Rules;

/// <summary>What a request may carry. A violation is a 400 or 413 problem naming the field and the limit.</summary>
public sealed class ApiLimits
{
    public const string Section = "Limits";

    [Range(8, 512)] public int MaxIdLength { get; set; } = 128;
    [Range(1, 4096)] public int MaxNameLength { get; set; } = 128;
    [Range(1, 65_536)] public int MaxTitleLength { get; set; } = 512;
    [Range(2, 1_048_576)] public int MaxMetadataBytes { get; set; } = 16_384;
    [Range(2, 67_108_864)] public int MaxItemBytes { get; set; } = 1_048_576;
    [Range(1, 100_000)] public int MaxItemsPerBatch { get; set; } = 1_000;
    [Range(1_024, 268_435_456)] public long MaxRequestBodyBytes { get; set; } = 8_388_608;
    [Range(2, 1_000)] public int MaxJsonDepth { get; set; } = 64;
    [Range(1, 315_360_000)] public int MaxTtlSeconds { get; set; } = 31_536_000;
    [Range(1, 10_000)] public int MaxPageSize { get; set; } = 1_000;
    [Range(1, 10_000)] public int DefaultPageSize { get; set; } = 50;
}
