// A .NET startup hook (DOTNET_STARTUP_HOOKS=<this test assembly>): the runtime calls
// StartupHook.Initialize, a type that must sit in the global namespace, before the probe's Main.
// It collects garbage and runs finalizers in a tight loop so that any TorchSharp Scalar temporary that
// becomes unreachable while its native call still runs gets freed in that window
// (see ScalarLifetimeTests). Only the BCL is used: the hooked process has no xunit.
internal static class StartupHook
{
    /// <summary>Marker line the test looks for, proving the hook ran.</summary>
    internal const string Banner = "gc-pressure hook: on";

    public static void Initialize()
    {
        Console.Error.WriteLine(Banner);
        var thread = new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true, Name = "gc-pressure" };
        thread.Start();
    }
}
