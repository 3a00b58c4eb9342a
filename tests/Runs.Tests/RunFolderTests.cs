namespace Probing.Runs.Tests;

public sealed class RunFolderTests
{
    [Fact]
    public void GivenManyThreadsRacingForOneFolder_WhenClaiming_ThenExactlyOneWins()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "run");
        using var start = new Barrier(8);
        var results = new RunFolder?[8];
        var errors = new Exception?[8];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                results[i] = RunFolder.Claim(folder);
            }
            catch (IOException ex)
            {
                errors[i] = ex;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Single(results, r => r is not null);
        Assert.Equal(7, errors.Count(e => e is not null));
        Assert.All(errors.Where(e => e is not null), e => Assert.Contains("in use by another run", e!.Message));
        foreach (var r in results) r?.Dispose();
    }

    [Fact]
    public void GivenFinishedRunInFolder_WhenClaimedAgain_ThenRefusedUnlessAccepted()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "run");
        using (RunFolder.Claim(folder)) File.WriteAllText(Path.Combine(folder, "run.json"), "{}");

        var refused = Assert.Throws<IOException>(() => RunFolder.Claim(folder));
        Assert.Contains("already holds files (run.json)", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        using var resumed = RunFolder.Claim(folder, _ => true);
        Assert.True(resumed.HeldFiles);
    }

    [Fact]
    public void GivenLockOfADeadProcess_WhenClaiming_ThenTakenOver()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "run");
        Directory.CreateDirectory(folder);
        using var dead = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        dead.WaitForExit();
        File.WriteAllText(Path.Combine(folder, RunFolder.LockFile), $"{dead.Id}\n{Environment.MachineName}\n");

        using var claim = RunFolder.Claim(folder);
        Assert.StartsWith(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(folder, RunFolder.LockFile)));
    }

    [Fact]
    public void GivenClaim_WhenDisposed_ThenLockGoesAndFilesStay()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "run");
        using (RunFolder.Claim(folder)) File.WriteAllText(Path.Combine(folder, "a.csv"), "");
        Assert.Equal(["a.csv"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void GivenAClaimUnderNewParents_WhenReleasedEmpty_ThenTheParentsItCreatedGoButOthersStay()
    {
        using var temp = new TempFolder();
        var results = Path.Combine(temp.Path, "results");
        Directory.CreateDirectory(results);
        var task = Path.Combine(results, "icl", "2x+3");
        using (RunFolder.ClaimNew(task, DateTimeOffset.UtcNow)) Assert.True(Directory.Exists(task));
        Assert.False(Directory.Exists(Path.Combine(results, "icl"))); // the run was refused before it wrote: nothing lingers
        Assert.True(Directory.Exists(results)); // it existed before the claim

        var kept = RunFolder.ClaimNew(task, DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(kept.Path, "run.json"), "{}");
        using (RunFolder.ClaimNew(task, DateTimeOffset.UtcNow.AddSeconds(1))) { }
        kept.Dispose();
        Assert.Single(Directory.GetDirectories(task)); // the filled run stays, and so do its parents
    }

    [Fact]
    public void GivenManyRunsStartingAndRefusedAtOnce_WhenClaimingUnderOneNewParent_ThenEveryClaimSucceeds()
    {
        using var temp = new TempFolder();
        var parent = Path.Combine(temp.Path, "results", "icl", "2x+3");
        using var start = new Barrier(8);
        var errors = new Exception?[8];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (var k = 0; k < 50; k++) RunFolder.Claim(Path.Combine(parent, $"run-{i}-{k}")).Dispose();
            }
            catch (IOException ex)
            {
                errors[i] = ex;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(errors, e => Assert.Null(e));
    }

    [Fact]
    public void GivenSameSecond_WhenClaimingNewFolders_ThenEveryRunGetsItsOwn()
    {
        using var temp = new TempFolder();
        var now = DateTimeOffset.UtcNow;
        var claims = Enumerable.Range(0, 20).Select(_ => RunFolder.ClaimNew(temp.Path, now, "seed7")).ToList();
        Assert.Equal(20, claims.Select(c => c.Path).Distinct().Count());
        Assert.All(claims, c => Assert.Matches(@"^\d{8}-\d{6}-seed7-[0-9a-f]{6}$", Path.GetFileName(c.Path)));
        claims.ForEach(c => c.Dispose());
    }

    [Fact]
    public void GivenAFileAsFolder_WhenClaiming_ThenOneLineError()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "x");
        File.WriteAllText(file, "");
        Assert.Contains("is a file", Assert.Throws<IOException>(() => RunFolder.Claim(file)).Message);
    }
}
