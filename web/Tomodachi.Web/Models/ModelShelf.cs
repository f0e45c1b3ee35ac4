using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Models;

/// <summary>
/// The Models panel of one browser circuit: the models in the model folders, loading, unloading and deleting them,
/// and a pull with its progress that goes on while the panel is closed. Failures become words, never exceptions.
/// </summary>
public sealed class ModelShelf(InferenceService.InferenceServiceClient inference) : IDisposable
{
    /// <summary>A bound on one list, load or delete: a big model on a slow disk, never an endless wait.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>A bound on one pull.</summary>
    private static readonly TimeSpan PullTimeout = TimeSpan.FromHours(6);

    private readonly CancellationTokenSource lifetime = new();
    private CancellationTokenSource? pulling;

    public IReadOnlyList<ModelFile> Models { get; private set; } = [];

    public IReadOnlyList<string> Folders { get; private set; } = [];

    /// <summary>The name of the model a load, unload or delete is working on, or null.</summary>
    public string? Busy { get; private set; }

    public bool IsPulling => pulling is not null;

    /// <summary>The last progress of the pull under way.</summary>
    public ModelDownload? PullProgress { get; private set; }

    /// <summary>What the last action did, in words.</summary>
    public string? Message { get; private set; }

    /// <summary>Why the last action failed, in words; null when it did not.</summary>
    public string? Error { get; private set; }

    public event Action? Changed;

    public Task RefreshAsync() => CallAsync(null, "InferenceService.ListModels", async ct =>
    {
        var list = await inference.ListModelsAsync(new ListModelsRequest(), cancellationToken: ct);
        Models = list.Models;
        Folders = list.Folders;
        return null;
    });

    public Task LoadAsync(string name) => CallAsync(name, "InferenceService.LoadModel", async ct =>
    {
        var model = (await inference.LoadModelAsync(new LoadModelRequest { Path = name }, cancellationToken: ct)).Model;
        return $"Loaded {model.Id}.";
    });

    public Task UnloadAsync(string name) => CallAsync(name, "InferenceService.UnloadModel", async ct =>
    {
        var unloaded = await inference.UnloadModelAsync(new UnloadModelRequest(), cancellationToken: ct);
        return $"Unloaded {name}: the process went from {StatusFormat.Megabytes1(unloaded.RssBytesBefore)} to {StatusFormat.Megabytes1(unloaded.RssBytesAfter)}.";
    });

    public Task DeleteAsync(string name) => CallAsync(name, "InferenceService.DeleteModel", async ct =>
    {
        var deleted = (await inference.DeleteModelAsync(new DeleteModelRequest { Name = name }, cancellationToken: ct)).Model;
        return $"Deleted {deleted.Name} ({StatusFormat.Megabytes1(deleted.SizeBytes)}).";
    });

    /// <summary>Pulls <paramref name="reference"/>, showing its progress, then lists the models again.</summary>
    public async Task PullAsync(string reference)
    {
        if (IsPulling)
        {
            return;
        }

        using var pull = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
        pull.CancelAfter(PullTimeout);
        pulling = pull;
        (PullProgress, Message, Error) = (null, null, null);
        Changed?.Invoke();
        try
        {
            using var call = inference.PullModel(new PullModelRequest { Reference = reference.Trim() }, cancellationToken: pull.Token);
            while (await call.ResponseStream.MoveNext(pull.Token))
            {
                var step = call.ResponseStream.Current;
                if (step.Progress is { } progress)
                {
                    PullProgress = progress;
                }
                else
                {
                    Message = $"Pulled {step.Model.Name} ({StatusFormat.Megabytes1(step.Model.SizeBytes)}), sha256 checked: it is in the list now.";
                }

                Changed?.Invoke();
            }
        }
        catch (Exception error) when (error is OperationCanceledException || (error is RpcException && pull.IsCancellationRequested))
        {
            Message = lifetime.IsCancellationRequested ? null : "Pull cancelled; what arrived is kept, and pulling again resumes it.";
        }
        catch (RpcException error)
        {
            Error = "Pull failed: " + FeedStatus.Describe(error, "InferenceService.PullModel");
        }
        finally
        {
            pulling = null;
        }

        if (!lifetime.IsCancellationRequested)
        {
            await RefreshAsync();
        }
    }

    public void CancelPull() => pulling?.Cancel();

    /// <summary>Runs one call with the row marked busy, then lists the models again (a load or delete changes the list).</summary>
    private async Task CallAsync(string? name, string rpc, Func<CancellationToken, Task<string?>> call)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
        bounded.CancelAfter(CallTimeout);
        Busy = name;
        if (name is not null)
        {
            (Message, Error) = (null, null);
        }

        Changed?.Invoke();
        try
        {
            Message = await call(bounded.Token) ?? Message;
            if (name is not null)
            {
                var list = await inference.ListModelsAsync(new ListModelsRequest(), cancellationToken: bounded.Token);
                (Models, Folders) = (list.Models, list.Folders);
            }
        }
        catch (RpcException error) when (!lifetime.IsCancellationRequested)
        {
            Error = FeedStatus.Describe(error, rpc);
        }
        finally
        {
            Busy = null;
        }

        Changed?.Invoke();
    }

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }
}
