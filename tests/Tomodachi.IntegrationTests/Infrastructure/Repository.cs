namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Files of the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Tomodachi.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Tomodachi.sln above {AppContext.BaseDirectory}");
    }
}
