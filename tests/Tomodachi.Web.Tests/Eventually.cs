namespace Tomodachi.Web.Tests;

/// <summary>Waits for a condition that another thread makes true; the bound only stops a broken test from hanging.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Still waiting for: {what}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
