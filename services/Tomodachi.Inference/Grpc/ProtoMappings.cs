using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Models;
using Tomodachi.Models.Download;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Monitoring;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>Domain records to contract messages.</summary>
internal static class ProtoMappings
{
    public static StopReason ToProto(this GenerationStop stop) => stop switch
    {
        GenerationStop.EndOfGeneration => StopReason.EndOfGeneration,
        GenerationStop.MaxTokens => StopReason.MaxTokens,
        GenerationStop.ContextFull => StopReason.ContextFull,
        GenerationStop.StopSequence => StopReason.StopSequence,
        _ => StopReason.Cancelled,
    };

    public static ModelInfo ToProto(this ModelDescription model) => new()
    {
        Backend = model.Loaded ? model.Offload?.Backend ?? "" : "",
        GpuLayers = model.Loaded ? (uint)(model.Offload?.GpuLayers ?? 0) : 0,
        LayerCount = model.Loaded ? (uint)(model.Offload?.LayerCount ?? 0) : 0,
        Id = model.Id,
        Path = model.Path,
        Architecture = model.File?.Architecture ?? "",
        ParameterCount = model.File?.ParameterCount ?? 0,
        Quantization = model.File?.Quantization ?? "",
        ContextLength = model.ContextLength,
        VocabSize = model.File?.VocabSize ?? 0,
        FileSizeBytes = model.File?.FileSizeBytes ?? 0,
        Loaded = model.Loaded,
        Demo = model.Demo,
        LoadError = model.LoadError ?? "",
        HasChatTemplate = model.File?.ChatTemplate is not null,
    };

    public static ModelDownload ToProto(this ModelDownloadSnapshot download) => new()
    {
        Spec = download.Spec,
        Phase = download.Phase switch
        {
            ModelDownloadPhase.Downloading => DownloadPhase.Downloading,
            ModelDownloadPhase.Verifying => DownloadPhase.Verifying,
            ModelDownloadPhase.Completed => DownloadPhase.Completed,
            ModelDownloadPhase.Failed => DownloadPhase.Failed,
            _ => DownloadPhase.Unspecified,
        },
        BytesReceived = (ulong)download.BytesReceived,
        TotalBytes = (ulong)(download.TotalBytes ?? 0),
        Error = download.Error ?? "",
    };

    public static ProcessMemory ToProto(this ProcessMemorySample memory, bool modelLoaded) => new()
    {
        RssBytes = memory.RssBytes,
        VmsBytes = memory.VmsBytes,
        Pid = memory.ProcessId,
        ModelLoaded = modelLoaded,
        SampledAt = Timestamp.FromDateTimeOffset(memory.SampledAt),
    };

    public static Persona ToProto(this PersonaOptions persona, bool isDefault) => new()
    {
        Name = persona.Name,
        Description = persona.Description,
        AdapterPath = persona.AdapterPath ?? "",
        IsDefault = isDefault,
    };

    public static JournalRetention ToProto(this JournalRetentionStatus retention)
    {
        var settings = retention.Options;
        var response = new JournalRetention
        {
            MaxAgeDays = (uint)settings.MaxAgeDays,
            MaxTurns = (uint)settings.MaxTurns,
            SweepInterval = Duration.FromTimeSpan(settings.SweepInterval),
        };
        if (retention.LastSweep is { } sweep)
        {
            response.LastSweepAt = Timestamp.FromDateTimeOffset(sweep.At);
            response.LastSweepDeletedConversations = (uint)sweep.DeletedConversations;
            response.LastSweepDeletedTurns = (uint)sweep.DeletedTurns;
            response.LastSweepError = sweep.Error ?? "";
        }

        return response;
    }

    public static WatchStatusResponse ToProto(this StatusSnapshot snapshot)
    {
        var response = new WatchStatusResponse
        {
            Model = snapshot.Model.ToProto(),
            Memory = snapshot.Memory.ToProto(snapshot.Model.Loaded),
            QueueDepth = (uint)snapshot.QueueDepth,
            BusySlots = (uint)snapshot.BusySlots,
            ParallelSlots = (uint)snapshot.ParallelSlots,
            MessageCount = (ulong)snapshot.MessageCount,
            ObservedAt = Timestamp.FromDateTimeOffset(snapshot.ObservedAt),
            JournalRetention = snapshot.Retention.ToProto(),
        };
        if (snapshot.LastTurn is { } last)
        {
            response.LastTurn = last;
        }

        if (snapshot.Download is { } download)
        {
            response.Download = download.ToProto();
        }

        return response;
    }
}
