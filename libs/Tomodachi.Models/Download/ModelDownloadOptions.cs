using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Models.Download;

/// <summary>
/// Where <c>hf:</c> models come from and where they are kept: <c>{service}:Download:*</c>, plus the model cache
/// directory <c>{service}:ModelCache</c> (e.g. <c>Inference:ModelCache</c>).
/// </summary>
public sealed class ModelDownloadOptions : IValidatableObject
{
    public const string SubsectionName = "Download";
    public const string ModelCacheName = "ModelCache";

    /// <summary>The service's own section ("Inference", "Memory"), so messages name the key to fix. Not bound.</summary>
    public string ServiceSection { get; internal set; } = "";

    /// <summary>The Hugging Face Hub, or a mirror with the same <c>/{owner}/{repo}/resolve/main/{file}</c> layout.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://huggingface.co");

    /// <summary>Downloaded models live under <c>{CacheDirectory}/{owner}/{repo}/{file}</c>.</summary>
    [Required]
    public string CacheDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "tomodachi", "models");

    /// <summary>HTTP requests per download; each one after the first resumes where the previous one stopped.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Pause before resuming after a failed attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>An attempt that receives no byte for this long is abandoned and resumed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is { IsAbsoluteUri: false } || BaseUrl?.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"{ServiceSection}:{SubsectionName}:BaseUrl must be an absolute http(s) URL, not '{BaseUrl}'.", [nameof(BaseUrl)]);
        }

        if (!Path.IsPathFullyQualified(CacheDirectory))
        {
            yield return new ValidationResult($"{ServiceSection}:{ModelCacheName} must be an absolute directory path, not '{CacheDirectory}'.", [nameof(CacheDirectory)]);
        }
    }
}
