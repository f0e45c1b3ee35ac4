namespace Tomodachi.Inference.Generation;

/// <summary>How one generation picks tokens.</summary>
public sealed record SamplingSettings(float Temperature, float TopP, int TopK, float RepeatPenalty, uint Seed);
