namespace Tomodachi.Web.Tuning;

/// <summary>One category of a side-by-side chart: the base model's value and the adapter's.</summary>
public sealed record ComparisonBar(string Category, double Base, double Adapter);
