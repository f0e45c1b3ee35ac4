namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>Finds the repository root, where screenshots for the README are written.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tomodachi.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Tomodachi.sln not found above the test output.");
        }
    }

    public static string Docs(string fileName) => Path.Combine(Root, "docs", fileName);
}
