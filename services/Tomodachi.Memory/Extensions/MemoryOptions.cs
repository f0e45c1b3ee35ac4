using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Memory.Extensions;

/// <summary>The "Memory" configuration section.</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "Memory";

    /// <summary>Where the embedded store keeps its database.</summary>
    [Required]
    public string DataDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "tomodachi", "memory");

    /// <summary>The Qdrant collection used when <c>ConnectionStrings:qdrant</c> is set.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$")]
    public string QdrantCollection { get; set; } = "tomodachi_memories";
}
