using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Tomodachi.Models.Llama;

/// <summary>
/// Routes llama.cpp's own log lines into ILogger. The callback has to be set before the native library loads,
/// otherwise llama.cpp prints straight to stderr; it is process-wide, so it forwards to whichever logger is current.
/// </summary>
public static class LlamaNative
{
    private static readonly Lock Gate = new();
    private static ILogger? _logger;
    private static bool _loaded;

    public static void EnsureLoaded(ILogger logger)
    {
        lock (Gate)
        {
            _logger = logger;
            if (_loaded)
            {
                return;
            }

            NativeLibraryConfig.All.WithLogCallback(Forward);
            // Loads libllama; LLamaQuantizer cannot find it before this.
            NativeApi.llama_empty_call();
            _loaded = true;
        }
    }

    private static void Forward(LLamaLogLevel level, string message)
    {
        var logger = _logger;
        if (logger is null || string.IsNullOrWhiteSpace(message))
        {
            return;
        }

        var logLevel = level switch
        {
            LLamaLogLevel.Error => LogLevel.Error,
            LLamaLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Debug,
        };
        if (logger.IsEnabled(logLevel))
        {
            logger.Log(logLevel, "llama.cpp: {NativeMessage}", message.TrimEnd());
        }
    }
}
