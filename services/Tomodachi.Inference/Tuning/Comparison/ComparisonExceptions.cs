namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// A comparison cannot run as asked: no model, no adapter, an adapter that does not fit, an unusable prompt suite.
/// The message names the file and the reason.
/// </summary>
public sealed class ComparisonRejectedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another comparison is running; one at a time keeps the figures of both honest.</summary>
public sealed class ComparisonBusyException()
    : Exception("Another adapter comparison is running; wait for its report (GetLastComparison) and try again.");
