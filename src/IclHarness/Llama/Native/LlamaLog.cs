using LLama.Native;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// Captures llama.cpp's and ggml's log output instead of letting it reach the terminal, so the CLI stays
/// clean. The most recent warnings and errors are kept to explain failures (a NULL model, a failed decode).
/// Set PROBING_LLAMA_LOG=1 to echo everything to standard error.
/// </summary>
internal static class LlamaLog
{
    private const int GGML_LOG_LEVEL_WARN = 3;
    private const int GGML_LOG_LEVEL_ERROR = 4;
    private const int GGML_LOG_LEVEL_CONT = 5;
    private const int Keep = 16;

    private static readonly Lock Gate = new();
    private static readonly LinkedList<string> Recent = new();
    private static bool _echo;
    private static int _lastLevel;

    private static readonly NativeLogConfig.LLamaLogCallback Callback = OnLog;

    /// <summary>
    /// Installs the callback through LLamaSharp (llama_log_set, which also sets ggml's). Before the library is
    /// loaded LLamaSharp keeps it and installs it right after loading, so its own load messages are captured too.
    /// </summary>
    public static void Install()
    {
        _echo = Environment.GetEnvironmentVariable("PROBING_LLAMA_LOG") == "1";
        NativeLogConfig.llama_log_set(Callback);
    }

    /// <summary>The last warning or error llama.cpp logged, trimmed to one line, or null.</summary>
    public static string? LastProblem()
    {
        lock (Gate) return Recent.Last?.Value;
    }

    /// <summary>
    /// The first error logged since <see cref="Clear"/>, without llama.cpp's function-name prefixes
    /// (the first error names the cause; later ones only say that loading failed), or null.
    /// </summary>
    public static string? FirstError()
    {
        lock (Gate)
        {
            var first = Recent.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? Recent.Last?.Value;
            if (first is null) return null;
            const string marker = "error loading model: ";
            var at = first.LastIndexOf(marker, StringComparison.Ordinal);
            return at >= 0 ? first[(at + marker.Length)..] : first;
        }
    }

    /// <summary>Forgets earlier messages so <see cref="LastProblem"/> refers to the next call only.</summary>
    public static void Clear()
    {
        lock (Gate) Recent.Clear();
    }

    private static void OnLog(LLamaLogLevel logLevel, string text)
    {
        try
        {
            var level = (int)logLevel;
            var line = text ?? "";
            if (_echo) Console.Error.Write(line);
            var effective = level == GGML_LOG_LEVEL_CONT ? _lastLevel : level;
            _lastLevel = effective;
            if (effective < GGML_LOG_LEVEL_WARN) return;
            line = line.Trim();
            if (line.Length == 0) return;
            lock (Gate)
            {
                if (level == GGML_LOG_LEVEL_CONT && Recent.Last is not null) Recent.Last.Value += " " + line;
                else Recent.AddLast(line);
                while (Recent.Count > Keep) Recent.RemoveFirst();
            }
        }
        catch
        {
            // An exception must never unwind into native code.
        }
    }
}
