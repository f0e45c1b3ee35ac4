using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// Reads a manifest resource out of a .NET assembly file without loading the assembly: the metadata names the
/// resource's offset in the CLI resources directory, and the bytes are read from the file at that place. Loading the
/// model packages as code would drag in their dependencies (ML.NET) and map 90 MB images for good.
/// </summary>
public static class AssemblyResources
{
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly, lacks the resource, or is cut short.</exception>
    public static byte[] Read(string assemblyPath, string resourceName)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"The model file '{assemblyPath}' does not exist.", assemblyPath);
        }

        using var file = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        long start;
        try
        {
            using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
            start = ResourceOffset(pe, resourceName, assemblyPath);
        }
        catch (BadImageFormatException e)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly holding a model: {e.Message}", e);
        }

        // A resource is a 4-byte little-endian length followed by that many bytes.
        var cutShort = new InvalidDataException($"The resource {resourceName} of '{assemblyPath}' runs past the end of the file: it is cut short or damaged.");
        if (start + sizeof(int) > file.Length)
        {
            throw cutShort;
        }

        var header = new byte[sizeof(int)];
        file.Position = start;
        file.ReadExactly(header);
        var length = BitConverter.ToInt32(header);
        if (length < 0 || start + sizeof(int) + length > file.Length)
        {
            throw cutShort;
        }

        var bytes = GC.AllocateUninitializedArray<byte>(length);
        file.ReadExactly(bytes);
        return bytes;
    }

    private static long ResourceOffset(PEReader pe, string resourceName, string assemblyPath)
    {
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly holding a model.");
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != resourceName)
            {
                continue;
            }

            if (!pe.PEHeaders.TryGetDirectoryOffset(cor.ResourcesDirectory, out var directory))
            {
                throw new InvalidDataException($"'{assemblyPath}' names the resource {resourceName} but has no resources section.");
            }

            return directory + resource.Offset;
        }

        throw new InvalidDataException($"'{assemblyPath}' holds no resource {resourceName}.");
    }
}
