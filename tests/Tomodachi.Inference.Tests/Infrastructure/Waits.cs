namespace Tomodachi.Inference.Tests.Infrastructure;

public static class Waits
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms for up to <paramref name="seconds"/>; returns its last value.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, int seconds = 10)
    {
        for (var i = 0; i < seconds * 20 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        return condition();
    }
}
