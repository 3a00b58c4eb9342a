using Probing.ToyModels.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Probing.Runs;

namespace Probing.ToyModels.Tests;

public sealed class TorchSharpSetupTests
{
    [Fact]
    public void GivenTheBuildOutput_WhenTorchSharpMultipliesMatrices_ThenTheProductIsRight()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        var c = matmul(a, b).data<float>().ToArray();
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
    }

    [Fact]
    public void GivenNoThreadCount_WhenConfigured_ThenLibtorchUsesEveryCore()
    {
        var n = TorchRuntime.ConfigureThreads();
        Assert.Equal(Environment.ProcessorCount, n);
        Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
    }

    [Fact]
    public void GivenCpuOnlyTorchSharp_WhenCudaIsRequested_ThenNotSupportedWithOneLine()
    {
        if (cuda.is_available()) return; // a CUDA build would accept it
        var ex = Assert.Throws<NotSupportedException>(() => TorchRuntime.ParseDevice("cuda"));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("Device cpu", ex.Message);
        Assert.Equal(["Device"], OptionNames.In(ex)); // the CLI shows it as --device
        Assert.Equal(DeviceType.CPU, TorchRuntime.ParseDevice("cpu").type);
        Assert.Throws<ArgumentException>(() => TorchRuntime.ParseDevice("tpu"));
    }
}
