using Grpc.Core;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.V1;
using Tomodachi.Models.Download;

namespace Tomodachi.Inference.Grpc;

// Model management: load, list, pull, delete. The catalog and puller come from the request's services, so this
// partial adds no constructor beside the one the model/chat part of the class declares.
public sealed partial class InferenceGrpcService
{
    public override async Task<LoadModelResponse> LoadModel(LoadModelRequest request, ServerCallContext context)
    {
        var result = await ModelCall(() => models.LoadAsync(request.Path.Length > 0 ? request.Path : null, context.CancellationToken));
        if (result.Error is null)
        {
            return new LoadModelResponse { Model = result.Model.ToProto() };
        }

        var serving = result.Model.Loaded ? $" {result.Model.Id} is still loaded." : "";
        throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The model could not be loaded: {result.Error}{serving}"));
    }

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var catalog = Service<ModelCatalog>(context);
        return Task.FromResult(new ListModelsResponse
        {
            Models = { catalog.List().Select(ToModelFile) },
            Folders = { catalog.Folders },
        });
    }

    public override async Task PullModel(PullModelRequest request, IServerStreamWriter<PullModelResponse> responseStream, ServerCallContext context)
    {
        var catalog = Service<ModelCatalog>(context);
        await ModelCall(async () =>
        {
            await foreach (var step in Service<ModelPuller>(context).PullAsync(request.Reference, context.CancellationToken))
            {
                await responseStream.WriteAsync(step.Progress is { } progress
                    ? new PullModelResponse { Progress = progress.ToProto() }
                    : new PullModelResponse { Model = ToModelFile(catalog.List().FirstOrDefault(e => e.Path == step.Path)
                        ?? new CatalogEntry(catalog.NameOf(step.Path!), step.Path!, new FileInfo(step.Path!).Length, null, null)) });
            }

            return true;
        });
    }

    public override async Task<DeleteModelResponse> DeleteModel(DeleteModelRequest request, ServerCallContext context)
    {
        if (request.Name.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name is empty: give a name from ListModels."));
        }

        var deleted = await ModelCall(() => models.DeleteAsync(request.Name, context.CancellationToken));
        return new DeleteModelResponse { Model = ToModelFile(deleted) };
    }

    private ModelFile ToModelFile(CatalogEntry entry) => new()
    {
        Name = entry.Name,
        Path = entry.Path,
        SizeBytes = (ulong)entry.SizeBytes,
        Architecture = entry.File?.Architecture ?? "",
        Quantization = entry.File?.Quantization ?? "",
        ParameterCount = entry.File?.ParameterCount ?? 0,
        Loaded = models.Describe() is { Loaded: true } loaded && loaded.Path == entry.Path,
        Error = entry.Error ?? "",
    };

    /// <summary>The model domain's refusals as status codes: each says what was wrong, and nothing was changed.</summary>
    private static async Task<T> ModelCall<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ModelAccessDeniedException e)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, e.Message));
        }
        catch (ModelNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, e.Message));
        }
        catch (ModelInUseException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (ModelDownloadException e)
        {
            throw new RpcException(new Status(e.NotFound ? StatusCode.NotFound : StatusCode.Unavailable, e.Message));
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    private static T Service<T>(ServerCallContext context) where T : notnull =>
        context.GetHttpContext().RequestServices.GetRequiredService<T>();
}
