using System.Globalization;

namespace Probing.Cli;

/// <summary>
/// The <c>--shard</c> option of <c>probe icl</c> and <c>probe toy sweep</c>, parsed in one place: <c>i/N</c>, or
/// <c>auto</c> / <c>auto/N</c>, which read the array index (and count) from the scheduler's environment:
/// <list type="bullet">
/// <item>Slurm job arrays: <c>SLURM_ARRAY_TASK_ID</c>, <c>SLURM_ARRAY_TASK_COUNT</c>, <c>SLURM_ARRAY_TASK_MIN</c> and
/// <c>SLURM_ARRAY_TASK_STEP</c>; i = (id − min) / step, so <c>--array=1-8</c> gives shards 0..7 of 8.</item>
/// <item>Kubernetes indexed Jobs: <c>JOB_COMPLETION_INDEX</c>; the count is the Job's completions, given as <c>auto/N</c>
/// (or <c>PROBE_SHARD_COUNT</c>).</item>
/// <item>Anything else (HTCondor's <c>$(Process)</c>, a shell loop): <c>PROBE_SHARD_INDEX</c> and <c>PROBE_SHARD_COUNT</c>
/// (or <c>auto/N</c>); HTCondor can also pass <c>--shard $(Process)/N</c> directly.</item>
/// </list>
/// Outside an array <c>auto</c> is a usage error.
/// </summary>
/// <param name="Index">This process's shard, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">Shards in the run.</param>
/// <param name="Source">Where the numbers came from, for the progress line.</param>
public sealed record ShardSpec(int Index, int Count, string Source)
{
    /// <summary>The option's help text.</summary>
    public const string Help =
        "This process's shard: i/N (0 ≤ i < N), or auto / auto/N to read the index (and count) from a Slurm array " +
        "(SLURM_ARRAY_TASK_ID/_COUNT/_MIN), a Kubernetes indexed Job (JOB_COMPLETION_INDEX; give N as auto/N) or PROBE_SHARD_INDEX/PROBE_SHARD_COUNT";

    /// <summary>Parses <paramref name="text"/>; <paramref name="environment"/> looks up variables (default: the process's).</summary>
    public static ShardSpec Parse(string text, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        environment ??= Environment.GetEnvironmentVariable;
        var spec = text.Trim();
        if (spec == "auto" || spec.StartsWith("auto/", StringComparison.Ordinal))
        {
            int? given = spec == "auto" ? null : Number(spec[5..]) is { } n && n >= 1 ? n
                : throw new UsageException($"--shard '{text}': the count after auto/ must be a positive integer, e.g. --shard auto/8");
            return FromEnvironment(given, environment);
        }

        var parts = spec.Split('/');
        if (parts.Length != 2 || Number(parts[0]) is not { } index || Number(parts[1]) is not { } count || count < 1 || index >= count)
            throw new UsageException($"--shard '{text}' is not valid; use i/N with 0 ≤ i < N (e.g. --shard 0/4), or auto inside a Slurm or Kubernetes array");
        return new ShardSpec(index, count, "--shard");
    }

    private static ShardSpec FromEnvironment(int? given, Func<string, string?> env)
    {
        if (env("SLURM_ARRAY_TASK_ID") is { } slurmId)
        {
            var id = Variable("SLURM_ARRAY_TASK_ID", slurmId);
            var min = env("SLURM_ARRAY_TASK_MIN") is { } m ? Variable("SLURM_ARRAY_TASK_MIN", m) : 0;
            var step = env("SLURM_ARRAY_TASK_STEP") is { } s ? Variable("SLURM_ARRAY_TASK_STEP", s) : 1;
            var count = env("SLURM_ARRAY_TASK_COUNT") is { } c ? Variable("SLURM_ARRAY_TASK_COUNT", c)
                : given ?? throw new UsageException("--shard auto: SLURM_ARRAY_TASK_COUNT is not set; pass --shard auto/N with N the array's size");
            if (given is { } g && g != count)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--shard auto/{g}: the Slurm array has {count} tasks; pass --shard auto or --shard auto/{count}"));
            if (step < 1 || id < min || (id - min) % step != 0 || (id - min) / step >= count)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--shard auto: Slurm array task {id} (min {min}, step {step}, {count} tasks) is not one of {count} evenly spaced tasks; submit --array=0-{count - 1}, or pass --shard i/N"));
            return new ShardSpec((id - min) / step, count, string.Create(CultureInfo.InvariantCulture, $"Slurm array task {id}"));
        }

        if (env("JOB_COMPLETION_INDEX") is { } k8s)
        {
            var index = Variable("JOB_COMPLETION_INDEX", k8s);
            var count = CountFrom(given, env, "a Kubernetes indexed Job: pass --shard auto/N with N the Job's completions");
            return Checked(index, count, "JOB_COMPLETION_INDEX", "Kubernetes completion index");
        }

        if (env("PROBE_SHARD_INDEX") is { } generic)
        {
            var index = Variable("PROBE_SHARD_INDEX", generic);
            var count = CountFrom(given, env, "PROBE_SHARD_INDEX: set PROBE_SHARD_COUNT or pass --shard auto/N");
            return Checked(index, count, "PROBE_SHARD_INDEX", "PROBE_SHARD_INDEX");
        }

        throw new UsageException("--shard auto: not inside an array job (none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PROBE_SHARD_INDEX is set); pass --shard i/N");
    }

    private static int CountFrom(int? given, Func<string, string?> env, string missing)
    {
        if (env("PROBE_SHARD_COUNT") is { } text)
        {
            var count = Variable("PROBE_SHARD_COUNT", text);
            if (count < 1) throw new UsageException("--shard auto: PROBE_SHARD_COUNT must be at least 1");
            if (given is { } g && g != count)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--shard auto/{g} disagrees with PROBE_SHARD_COUNT={count}; pass one"));
            return count;
        }
        return given ?? throw new UsageException($"--shard auto in {missing}");
    }

    private static ShardSpec Checked(int index, int count, string variable, string source)
    {
        if (index >= count)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--shard auto: {variable}={index} is not below the count {count}; pass the array's size as --shard auto/N"));
        return new ShardSpec(index, count, string.Create(CultureInfo.InvariantCulture, $"{source} {index}"));
    }

    private static int Variable(string name, string value) =>
        Number(value) ?? throw new UsageException($"--shard auto: {name}='{value}' is not a non-negative integer; run inside the array job or pass --shard i/N");

    private static int? Number(string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary><c>i/N</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
