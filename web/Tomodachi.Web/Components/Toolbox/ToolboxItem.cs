using Tomodachi.Web.Components.Shared;

namespace Tomodachi.Web.Components.Toolbox;

/// <summary>One entry of the toolbox menu.</summary>
public sealed record ToolboxItem(string Id, IconName Icon, string Label);
