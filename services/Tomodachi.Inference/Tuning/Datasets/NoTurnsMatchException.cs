namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>An export whose filters select no turn: there is nothing to train on, and the caller should widen them.</summary>
public sealed class NoTurnsMatchException(DatasetSelection selection, long journaledTurns)
    : Exception($"No turns match the filters ({selection.Describe()}) among the {journaledTurns} journaled turns in that time window; widen the filters.");
