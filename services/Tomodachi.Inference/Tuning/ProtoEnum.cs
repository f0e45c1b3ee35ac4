using System.Globalization;
using System.Reflection;
using Google.Protobuf.Reflection;

namespace Tomodachi.Inference.Tuning;

/// <summary>Contract enum values by their .proto names (RATING_THUMBS_UP), the names clients send and see.</summary>
internal static class ProtoEnum
{
    /// <summary>The .proto name, or the number for a value the contract does not define.</summary>
    public static string NameOf<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name
        ?? Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    public static string AllNames<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(NameOf));
}
