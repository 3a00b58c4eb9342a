using TorchSharp;
using static TorchSharp.torch;
using Probing.Runs;

namespace Probing.ToyModels.Runtime;

/// <summary>
/// TorchSharp set-up shared by the toy commands: the thread policy and the device choice.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static int _threads;

    /// <summary>Threads libtorch uses for intra-op work: the machine's cores unless set.</summary>
    public static int Threads
    {
        get
        {
            lock (Gate) return _threads == 0 ? Environment.ProcessorCount : _threads;
        }
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count: <paramref name="threads"/> when given, else
    /// <see cref="Environment.ProcessorCount"/> (the machine's cores, as the container reports them).
    /// </summary>
    public static int ConfigureThreads(int? threads = null)
    {
        var n = threads ?? Environment.ProcessorCount;
        if (n < 1) throw new ArgumentException($"threads must be at least 1, got {n}.");
        lock (Gate)
        {
            torch.set_num_threads(n);
            _threads = n;
        }
        return n;
    }

    /// <summary>
    /// Parses a device name ("cpu", "cuda", "cuda:1"). CUDA needs a CUDA build of TorchSharp; without one
    /// it throws <see cref="NotSupportedException"/> with a one-line message.
    /// </summary>
    public static Device ParseDevice(string name)
    {
        var n = (name ?? "cpu").Trim().ToLowerInvariant();
        if (n == "cpu") return CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new NotSupportedException("Device cuda: this build has no CUDA (it ships libtorch-cpu-linux-x64 and no CUDA device was found); use Device cpu.").Naming("Device");
            return new Device(n);
        }
        throw new ArgumentException($"device '{name}' is not supported; use cpu or cuda.");
    }
}
