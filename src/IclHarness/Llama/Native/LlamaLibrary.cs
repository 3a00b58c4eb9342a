using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// Finds and initializes the llama.cpp shared libraries that the build copied next to this assembly:
/// resolves the library names of the P/Invoke declarations, loads the ggml backends with
/// <c>ggml_backend_load_all_from_path</c>, routes llama.cpp's log into <see cref="LlamaLog"/>, and reads
/// the default params structs through a guarded buffer.
/// </summary>
internal static unsafe class LlamaLibrary
{
    public const string LlamaName = "llama";
    public const string GgmlName = "ggml";
    public const string GgmlBaseName = "ggml-base";

    /// <summary>Environment variable that points at another folder of llama.cpp libraries (e.g. a CUDA build).</summary>
    public const string DirectoryVariable = "PROBING_LLAMA_LIB_DIR";

    private static readonly Lock Gate = new();
    private static bool _resolverRegistered;
    private static bool _initialized;
    private static llama_model_params _modelDefaults;
    private static llama_context_params _contextDefaults;

    /// <summary>The folder holding libllama, libggml*, and the CPU backend variants.</summary>
    public static string Directory
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrEmpty(overridden)) return overridden;
            var location = typeof(LlamaLibrary).Assembly.Location;
            return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : System.IO.Path.GetDirectoryName(location)!;
        }
    }

    /// <summary>Maps the short library names of the declarations to the versioned files of the package.</summary>
    public static void RegisterResolver()
    {
        lock (Gate)
        {
            if (_resolverRegistered) return;
            NativeLibrary.SetDllImportResolver(typeof(LlamaLibrary).Assembly, Resolve);
            _resolverRegistered = true;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var file = name switch
        {
            LlamaName => FindLibrary("libllama.so", "libllama.v*.so"),
            GgmlName => FindLibrary("libggml.so", "libggml.v*.so"),
            GgmlBaseName => FindLibrary("libggml-base.so", "libggml-base.v*.so"),
            _ => null,
        };
        return file is null ? 0 : NativeLibrary.Load(file);
    }

    private static string FindLibrary(string plain, string versioned)
    {
        var dir = Directory;
        var exact = System.IO.Path.Combine(dir, plain);
        if (File.Exists(exact)) return exact;
        var match = System.IO.Directory.Exists(dir) ? System.IO.Directory.GetFiles(dir, versioned).OrderBy(f => f).FirstOrDefault() : null;
        return match ?? throw new DllNotFoundException(
            $"llama.cpp library {plain} not found in {dir}; build the project (dotnet build fetches @node-llama-cpp/linux-x64 into .native/) or set {DirectoryVariable}.");
    }

    /// <summary>
    /// Initializes llama.cpp once per process: log capture, <c>llama_backend_init</c>, the backends of
    /// <see cref="Directory"/>, and a check of the params layout.
    /// </summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized) return;
            RegisterResolver();
            LlamaLog.Install();
            _modelDefaults = ReadDefaults<llama_model_params>("llama_model_default_params", llama_model_params.NativeSize);
            _contextDefaults = ReadDefaults<llama_context_params>("llama_context_default_params", llama_context_params.NativeSize);
            LlamaNative.llama_backend_init();
            var dir = Encoding.UTF8.GetBytes(Directory + "\0");
            fixed (byte* p = dir) GgmlNative.ggml_backend_load_all_from_path(p);
            if (GgmlNative.ggml_backend_dev_count() == 0)
                throw new DllNotFoundException($"no ggml backend could be loaded from {Directory} (expected libggml-cpu-*.so); rebuild to refetch the llama.cpp libraries.");
            _initialized = true;
        }
    }

    /// <summary><c>llama_model_default_params()</c>, read through the guarded buffer.</summary>
    public static llama_model_params ModelDefaults
    {
        get { EnsureInitialized(); return _modelDefaults; }
    }

    /// <summary><c>llama_context_default_params()</c>, read through the guarded buffer.</summary>
    public static llama_context_params ContextDefaults
    {
        get { EnsureInitialized(); return _contextDefaults; }
    }

    /// <summary>Names of the loaded backend devices, e.g. "CPU".</summary>
    public static IReadOnlyList<string> Devices()
    {
        EnsureInitialized();
        var names = new List<string>();
        for (nuint i = 0; i < GgmlNative.ggml_backend_dev_count(); i++)
            names.Add(Utf8(GgmlNative.ggml_backend_dev_name(GgmlNative.ggml_backend_dev_get(i))));
        return names;
    }

    private const int GuardSize = 1024;
    private const byte GuardByte = 0xA5;

    /// <summary>
    /// Calls a <c>struct X f(void)</c> default-params function into a 1 KiB buffer filled with a guard
    /// pattern. On x86-64 System V a struct this large is returned through a hidden pointer in the first
    /// argument register, so passing the buffer as that argument is the exact calling convention. If the
    /// library writes past <paramref name="nativeSize"/>, its struct grew and the binding is out of date.
    /// </summary>
    internal static T ReadDefaults<T>(string symbol, int nativeSize) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != nativeSize)
            throw new NotSupportedException($"binding bug: {typeof(T).Name} is {Unsafe.SizeOf<T>()} bytes, the header says {nativeSize}.");
        var function = (delegate* unmanaged[Cdecl]<byte*, byte*>)NativeLibrary.GetExport(
            NativeLibrary.Load(FindLibrary("libllama.so", "libllama.v*.so")), symbol);
        var buffer = stackalloc byte[GuardSize];
        new Span<byte>(buffer, GuardSize).Fill(GuardByte);
        function(buffer);
        // Trailing padding may legitimately stay untouched, so only bytes past the aligned size count.
        var aligned = (nativeSize + 7) & ~7;
        for (var i = aligned; i < GuardSize; i++)
        {
            if (buffer[i] != GuardByte)
                throw new NotSupportedException(
                    $"libllama's {symbol}() returns a struct larger than the {nativeSize} bytes the binding mirrors; the native libraries do not match the binding (rebuild with the pinned package version).");
        }
        return Unsafe.ReadUnaligned<T>(buffer);
    }

    /// <summary>A NUL-terminated UTF-8 string from native memory, or "" for NULL.</summary>
    public static string Utf8(byte* text) => text is null ? "" : Marshal.PtrToStringUTF8((nint)text) ?? "";
}
