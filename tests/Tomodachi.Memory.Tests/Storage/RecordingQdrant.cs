using Google.Protobuf;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace Tomodachi.Memory.Tests.Storage;

/// <summary>
/// Stands in for a Qdrant server below the real <see cref="QdrantClient"/>: records every request the client sends, in
/// order, and answers the collection and alias requests from a small table of collections (name → metadata, point
/// count) and aliases. No Qdrant server can run here, so the alias switch is checked on the requests' shapes.
/// </summary>
public sealed class RecordingQdrant : CallInvoker
{
    public List<IMessage> Requests { get; } = [];

    public Dictionary<string, (Dictionary<string, Value> Metadata, ulong Points)> Collections { get; } = [];

    public Dictionary<string, string> Aliases { get; } = [];

    /// <summary>What scrolls and retrievals answer, whatever their filter: the test decides what matched.</summary>
    public List<RetrievedPoint> Points { get; } = [];

    public QdrantClient Client() => new(new QdrantGrpcClient(this));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Requests.Add((IMessage)request);
        var response = (TResponse)Answer((IMessage)request);
        return new AsyncUnaryCall<TResponse>(
            Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

    /// <summary>The requests of one type, in the order sent.</summary>
    public List<T> Sent<T>() where T : IMessage => Requests.OfType<T>().ToList();

    private IMessage Answer(IMessage request)
    {
        switch (request)
        {
            case ListAliasesRequest:
                return new ListAliasesResponse { Aliases = { Aliases.Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }) } };
            case ListCollectionsRequest:
                return new ListCollectionsResponse { Collections = { Collections.Keys.Select(c => new CollectionDescription { Name = c }) } };
            case CreateCollection create:
                Collections[create.CollectionName] = (new Dictionary<string, Value>(create.Metadata), 0);
                return new CollectionOperationResponse { Result = true };
            case DeleteCollection delete:
                Collections.Remove(delete.CollectionName);
                foreach (var alias in Aliases.Where(a => a.Value == delete.CollectionName).ToList())
                {
                    Aliases.Remove(alias.Key);
                }

                return new CollectionOperationResponse { Result = true };
            case ChangeAliases change:
                foreach (var action in change.Actions)
                {
                    if (action.DeleteAlias is { } gone)
                    {
                        Aliases.Remove(gone.AliasName);
                    }

                    if (action.CreateAlias is { } made)
                    {
                        Aliases[made.AliasName] = made.CollectionName;
                    }
                }

                return new CollectionOperationResponse { Result = true };
            case GetCollectionInfoRequest info:
                var (metadata, _) = Collections[Resolve(info.CollectionName)];
                var config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = (ulong)metadata["dimension"].IntegerValue } } } };
                config.Metadata.Add(metadata);
                return new GetCollectionInfoResponse { Result = new CollectionInfo { Config = config } };
            case CountPoints count:
                return new CountResponse { Result = new CountResult { Count = Collections[Resolve(count.CollectionName)].Points } };
            case ScrollPoints scroll:
                return new ScrollResponse { Result = { Points.Take((int)scroll.Limit) } };
            case GetPoints get:
                return new GetResponse { Result = { Points.Where(p => get.Ids.Contains(p.Id)) } };
            case CreateFieldIndexCollection or DeletePoints or SetPayloadPoints or UpsertPoints:
                return new PointsOperationResponse { Result = new UpdateResult { Status = UpdateStatus.Completed } };
            default:
                throw new NotSupportedException($"The recording Qdrant does not answer {request.Descriptor.Name}.");
        }
    }

    private string Resolve(string name) => Aliases.GetValueOrDefault(name, name);
}
