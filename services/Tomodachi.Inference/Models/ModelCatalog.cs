using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Models;
using Tomodachi.Models.Download;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Models;

/// <summary>
/// The model folders — the cache (Inference:ModelCache) and Inference:ModelFolders — and what is in them. A request may
/// name a model by its name in <see cref="List"/>, by an hf: reference already pulled, or by a path inside the folders;
/// anything else is refused before it is read. The configured model (Inference:Model) is the owner's own choice and
/// may live anywhere.
/// </summary>
public sealed class ModelCatalog(IOptions<InferenceOptions> options)
{
    /// <summary>Bounds on one listing: a folder of a few models, not a whole disk.</summary>
    private const int MaxDepth = 4;
    private const int MaxFiles = 2_000;

    public const string Extension = ".gguf";

    /// <summary>Absolute folders, the cache first.</summary>
    public IReadOnlyList<string> Folders { get; } =
        [.. new[] { options.Value.ModelCache }.Concat(options.Value.ModelFolders).Select(Path.GetFullPath).Select(f => Path.TrimEndingDirectorySeparator(f)).Distinct()];

    public string Cache => Folders[0];

    /// <summary>The configured model's file when it is a local path.</summary>
    private string? ConfiguredPath { get; } =
        options.Value.Model is { Length: > 0 } model && !HuggingFaceFile.IsSpec(model) ? Path.GetFullPath(model) : null;

    /// <summary>Every GGUF model in the folders (adapters left out), plus the configured model; unreadable files with the reason.</summary>
    public IReadOnlyList<CatalogEntry> List()
    {
        var entries = new List<CatalogEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in Folders.Where(Directory.Exists))
        {
            var files = Directory.EnumerateFiles(folder, "*" + Extension, new EnumerationOptions
            {
                RecurseSubdirectories = true,
                MaxRecursionDepth = MaxDepth,
                IgnoreInaccessible = true,
                MatchCasing = MatchCasing.CaseInsensitive,
            });
            foreach (var path in files.Take(MaxFiles - entries.Count))
            {
                var name = NameIn(folder, path);
                if (Describe(names.Add(name) ? name : path, path) is { } entry)
                {
                    entries.Add(entry);
                }
            }
        }

        if (ConfiguredPath is { } configured && File.Exists(configured) && !entries.Any(e => e.Path == configured)
            && Describe(names.Add(NameOf(configured)) ? NameOf(configured) : configured, configured) is { } own)
        {
            entries.Add(own);
        }

        return entries;
    }

    /// <summary>
    /// The file a request means by <paramref name="reference"/>: a name from <see cref="List"/>, an hf: reference already
    /// in the cache, or a path inside the folders.
    /// </summary>
    /// <exception cref="ModelAccessDeniedException">The path lies outside the folders.</exception>
    /// <exception cref="ModelNotFoundException">Nothing by that name or path.</exception>
    /// <exception cref="ArgumentException">A malformed hf: reference.</exception>
    public string Resolve(string reference)
    {
        if (HuggingFaceFile.IsSpec(reference))
        {
            var cached = HuggingFaceFile.Parse(reference).CachePath(Cache);
            return File.Exists(cached) ? cached
                : throw new ModelNotFoundException($"{reference} has not been downloaded yet: PullModel it first.");
        }

        if (Path.IsPathRooted(reference))
        {
            var path = Confine(reference, "The model");
            return File.Exists(path) ? path : throw new ModelNotFoundException($"There is no model file {path}.");
        }

        if (ConfiguredPath is { } configured && reference == NameOf(configured))
        {
            return configured;
        }

        var file = reference.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? reference : reference + Extension;
        foreach (var folder in Folders)
        {
            var candidate = Path.GetFullPath(file, folder);
            if (!IsInside(candidate, folder))
            {
                throw Denied(reference, "The model");
            }

            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ModelNotFoundException($"There is no model named '{Quote(reference)}' in the model folders ({string.Join(", ", Folders)}): ListModels lists them.");
    }

    /// <summary>The absolute form of a path a request names (a model, an adapter, a prompt suite) when it lies inside the folders.</summary>
    /// <exception cref="ModelAccessDeniedException">It does not.</exception>
    public string Confine(string path, string what)
    {
        var full = Path.GetFullPath(path);
        return full == ConfiguredPath || Folders.Any(folder => IsInside(full, folder)) ? full : throw Denied(path, what);
    }

    /// <summary>The name <see cref="List"/> gives the file at <paramref name="path"/>.</summary>
    public string NameOf(string path) =>
        Folders.FirstOrDefault(folder => IsInside(path, folder)) is { } folder ? NameIn(folder, path) : Path.GetFileNameWithoutExtension(path);

    private static string NameIn(string folder, string path)
    {
        var relative = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
        return relative.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? relative[..^Extension.Length] : relative;
    }

    private static CatalogEntry? Describe(string name, string path)
    {
        var size = new FileInfo(path).Length;
        try
        {
            var header = GgufReader.ReadHeader(path);
            if (header.String("general.type") == "adapter")
            {
                return null;
            }

            var file = GgufReader.Describe(header);
            return new CatalogEntry(name, path, size, file, ModelFileCheck.Unsupported(file));
        }
        catch (Exception e) when (e is InvalidModelFileException or IOException or UnauthorizedAccessException)
        {
            return new CatalogEntry(name, path, size, null, e.Message);
        }
    }

    // Lexical on purpose: ".." is resolved by GetFullPath, and links the owner placed in a folder are theirs to place.
    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private ModelAccessDeniedException Denied(string path, string what) =>
        new($"{what} '{Quote(path)}' is outside the model folders ({string.Join(", ", Folders)}): a request may only name files " +
            "in them. Put the file there, or add its folder to Inference:ModelFolders.");

    private static string Quote(string value) => value.Length <= 200 ? value : value[..200] + "…";
}

/// <summary>One GGUF file in the model folders.</summary>
/// <param name="Name">What LoadModel and DeleteModel take: the path inside its folder without ".gguf".</param>
/// <param name="File">What its header says, or null when it cannot be read.</param>
/// <param name="Error">Why it cannot be loaded, or null.</param>
public sealed record CatalogEntry(string Name, string Path, long SizeBytes, GgufFileInfo? File, string? Error);
