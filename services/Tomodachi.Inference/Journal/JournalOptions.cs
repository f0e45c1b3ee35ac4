using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Inference.Journal;

/// <summary>Where and how the turn journal is kept (configuration section <c>Inference:Journal</c>).</summary>
public sealed class JournalOptions : IValidatableObject
{
    public const string SectionName = "Inference:Journal";

    /// <summary>The SQLite database file; its directory is created when missing.</summary>
    [Required]
    public string Path { get; set; } = System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tomodachi", "journal.db");

    /// <summary>Turns a watcher may have unread before it is stopped as fallen behind.</summary>
    [Range(1, 100_000)]
    public int WatchBufferSize { get; set; } = 256;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.IO.Path.IsPathFullyQualified(Path))
        {
            yield return new ValidationResult(
                $"Inference:Journal:Path must be an absolute file path, not '{Path}'.", [nameof(Path)]);
        }
        else if (Directory.Exists(Path))
        {
            yield return new ValidationResult(
                $"Inference:Journal:Path '{Path}' is a directory; name the database file inside it.", [nameof(Path)]);
        }
    }
}
