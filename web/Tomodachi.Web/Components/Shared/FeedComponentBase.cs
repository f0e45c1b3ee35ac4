using Microsoft.AspNetCore.Components;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Components.Shared;

/// <summary>
/// A component that re-renders when the feeds it follows change. Feeds raise on their own thread, so the render
/// is marshalled onto the circuit; subscriptions end with the component, so a closed tab holds nothing.
/// </summary>
public abstract class FeedComponentBase : ComponentBase, IDisposable
{
    private readonly List<Action> unsubscribers = [];

    protected void Follow(IChangeSource source)
    {
        source.Changed += OnFeedChanged;
        unsubscribers.Add(() => source.Changed -= OnFeedChanged);
    }

    private void OnFeedChanged() => _ = RenderOnCircuitAsync();

    private async Task RenderOnCircuitAsync()
    {
        try
        {
            await InvokeAsync(StateHasChanged);
        }
        catch (ObjectDisposedException)
        {
            // The circuit closed between the feed's message and this render: nothing left to update.
        }
    }

    public void Dispose()
    {
        foreach (var unsubscribe in unsubscribers)
        {
            unsubscribe();
        }

        unsubscribers.Clear();
    }
}
