using Probing.Cli;

namespace Probing.Probe.Tests;

/// <summary>The one --shard parser of probe icl and probe toy sweep: i/N, and auto from Slurm, Kubernetes or PROBE_SHARD_*.</summary>
public sealed class ShardSpecTests
{
    private static Func<string, string?> Env(params string[] pairs)
    {
        var map = pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return name => map.GetValueOrDefault(name);
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/8", 3, 8)]
    [InlineData(" 2/3 ", 2, 3)]
    public void GivenIOverN_WhenParsed_ThenIndexAndCount(string text, int index, int count)
    {
        var spec = ShardSpec.Parse(text, Env());
        Assert.Equal((index, count), (spec.Index, spec.Count));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    [InlineData("1/2/3")]
    [InlineData("auto/0")]
    [InlineData("auto/x")]
    public void GivenABadSpec_WhenParsed_ThenAUsageErrorShowsTheForm(string text) =>
        Assert.Contains("--shard", Assert.Throws<UsageException>(() => ShardSpec.Parse(text, Env("SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=2"))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("auto", new[] { "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=4" }, 0, 4)]
    [InlineData("auto", new[] { "SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=1" }, 2, 4)]
    [InlineData("auto/4", new[] { "SLURM_ARRAY_TASK_ID=12", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=10" }, 2, 4)]
    [InlineData("auto", new[] { "SLURM_ARRAY_TASK_ID=6", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_STEP=2" }, 3, 4)]
    [InlineData("auto/8", new[] { "JOB_COMPLETION_INDEX=5" }, 5, 8)]
    [InlineData("auto", new[] { "JOB_COMPLETION_INDEX=5", "PROBE_SHARD_COUNT=6" }, 5, 6)]
    [InlineData("auto", new[] { "PROBE_SHARD_INDEX=2", "PROBE_SHARD_COUNT=3" }, 2, 3)]
    [InlineData("auto/3", new[] { "PROBE_SHARD_INDEX=0" }, 0, 3)]
    public void GivenASchedulerEnvironment_WhenAutoIsParsed_ThenTheArrayIndexBecomesTheShard(string text, string[] env, int index, int count)
    {
        var spec = ShardSpec.Parse(text, Env(env));
        Assert.Equal((index, count), (spec.Index, spec.Count));
    }

    [Theory]
    [InlineData("auto", new string[0], "not inside an array job")]
    [InlineData("auto", new[] { "JOB_COMPLETION_INDEX=1" }, "auto/N")]
    [InlineData("auto/3", new[] { "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4" }, "has 4 tasks")]
    [InlineData("auto", new[] { "SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_COUNT=4" }, "--array=0-3")]
    [InlineData("auto", new[] { "SLURM_ARRAY_TASK_ID=x", "SLURM_ARRAY_TASK_COUNT=4" }, "SLURM_ARRAY_TASK_ID='x'")]
    [InlineData("auto/2", new[] { "JOB_COMPLETION_INDEX=2" }, "not below the count 2")]
    [InlineData("auto", new[] { "PROBE_SHARD_INDEX=1" }, "PROBE_SHARD_COUNT")]
    public void GivenAnEnvironmentThatNamesNoValidShard_WhenAutoIsParsed_ThenAOneLineUsageError(string text, string[] env, string expected)
    {
        var message = Assert.Throws<UsageException>(() => ShardSpec.Parse(text, Env(env))).Message;
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }
}
