using Probing.Cli;
using Probing.IclHarness.Llama.Preflight;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>
/// Every GGUF that llama.cpp loads and then aborts on (<see cref="GgufAbortCorpus"/>: the asserts read in llama.cpp and
/// the aborts the semantic fuzzer found) gives one line and exit code 2 through each command that loads a model. The
/// files are generated here, never committed. Without the preflight each of these would end the test process.
/// </summary>
public sealed class GgufAbortCorpusCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("probe-abort-corpus-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Cases => new(GgufAbortCorpus.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenModelLlamaCppWouldAbortOn_WhenEveryModelCommand_ThenOneLineNamingTheKeyAndExitCode2(string name)
    {
        var expected = GgufAbortCorpus.Cases.Single(c => c.Name == name).Expected;
        var model = Path.Combine(_folder, name + ".gguf");
        File.WriteAllBytes(model, GgufAbortCorpus.Build(name));
        string Out(string command) => Path.Combine(_folder, $"{name}-{command}");

        string[][] commands =
        [
            ["model", "tokenize", "--model", model, "(1, 5)"],
            ["lens", "--model", model, "--prompt", "(1, 5), (4, 11)", "--threads", "1", "--out", Out("lens")],
            ["icl", "--task", "2x+3", "--model", model, "--examples", "3", "--contexts", "1", "--threads", "1", "--out", Out("icl")],
            ["icl", "patch", "--source", "2x+3", "--target", "3x+1", "--model", model, "--examples", "3", "--threads", "1", "--out", Out("patch")],
            ["bench", "icl", "--model", model, "--contexts", "1", "--examples", "3", "--rounds", "1", "--threads", "1"],
        ];
        foreach (var args in commands)
        {
            var (code, _, error) = Run(args);

            var lines = error.TrimEnd().Split('\n');
            Assert.True(code == ExitCodes.BadInput, $"{string.Join(' ', args[..2])}: exit {code}: {error}");
            Assert.Single(lines);
            Assert.StartsWith("probe: ", lines[0], StringComparison.Ordinal);
            Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        }
    }
}
