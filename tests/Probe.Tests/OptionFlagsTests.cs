using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Probing.Cli;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Heads;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.Probe.Tests;

/// <summary>
/// Libraries name properties, the CLI names flags (issue #18 part 4): no library source has a string literal naming a
/// <c>--flag</c>, every option name a library tags an exception with has a flag in <see cref="OptionFlags.Table"/>, and
/// the user still reads the flag.
/// </summary>
public sealed partial class OptionFlagsTests
{
    /// <summary>
    /// Literals left on purpose (file, flag). Empty: report texts name what was given, not the flag that gave it. A
    /// literal added here must still be in its file, so the list only shrinks.
    /// </summary>
    private static readonly HashSet<(string File, string Flag)> Allowed = [];

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Probing.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no Probing.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Every C# source of every library (each project under src/ but the CLI).</summary>
    private static IReadOnlyList<string> LibrarySources()
    {
        var src = Path.Combine(Root, "src");
        return Directory.GetDirectories(src)
            .Where(d => Path.GetFileName(d) != "Probe")
            .SelectMany(d => Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public void GivenTheLibrarySources_WhenScanned_ThenNoStringLiteralNamesAFlag()
    {
        var sources = LibrarySources();
        Assert.Contains(sources, f => f.EndsWith("IclRunOptions.cs", StringComparison.Ordinal)); // the scan sees the libraries
        var found = new List<string>();
        var allowedSeen = new HashSet<(string, string)>();
        foreach (var file in sources)
            foreach (var literal in StringLiterals(File.ReadAllText(file)))
                foreach (Match flag in FlagPattern().Matches(literal))
                    if (Allowed.Contains((Path.GetFileName(file), flag.Value))) allowedSeen.Add((Path.GetFileName(file), flag.Value));
                    else found.Add($"{Path.GetRelativePath(Root, file)}: {flag.Value} in \"{literal}\"");
        // An allowed literal that is gone must leave the list, so the list only shrinks.
        Assert.Equal(Allowed.Order(), allowedSeen.Order());
        Assert.True(found.Count == 0, "library literals naming a flag (name the property, tag the exception with OptionNames.Naming, map it in OptionFlags.Table):\n" + string.Join('\n', found));
    }

    [Fact]
    public void GivenTheScanner_WhenALiteralNamesAFlag_ThenItIsFoundAndCommentsAndCodeAreNot()
    {
        const string code = """
            // pass --examples in a comment
            /* and --contexts here */
            var a = --i; var b = "see --template"; var c = $"{x} narrow --x-range"; var d = @"a ""--quoted"" b";
            var e = '"'; var f = "--after-char"; var g = $"{(y ? " (--nested)" : "")} {{--not-a-hole}}";
            """;
        var flags = StringLiterals(code).SelectMany(l => FlagPattern().Matches(l)).Select(m => m.Value).ToList();
        Assert.Equal(["--template", "--x-range", "--quoted", "--after-char", "--nested", "--not-a-hole"], flags);
    }

    [Fact]
    public void GivenEveryOptionNameTheLibrariesTag_WhenLookedUp_ThenTheCliTableHasAFlagForIt()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        foreach (var file in LibrarySources())
        {
            var text = File.ReadAllText(file);
            foreach (Match call in NamingCall().Matches(text))
                foreach (var argument in SplitArguments(call.Groups["args"].Value))
                {
                    if (OptionName(argument) is { } name) names.Add(name);
                    else unreadable.Add($"{Path.GetFileName(file)}: {argument}");
                }
        }
        Assert.True(unreadable.Count == 0, string.Join("\n", unreadable));
        Assert.True(names.Count >= 20, $"only {names.Count} tagged option names found: {string.Join(", ", names)}");
        Assert.DoesNotContain(names, n => OptionFlags.Flag(n) is null);
        Assert.All(OptionFlags.Table.Values, flag => Assert.Matches("^--[a-z][a-z-]+( [a-z]+)?$", flag));
    }

    [Theory]
    [InlineData(0, 12, "--contexts must be at least 1 (got 0)")]
    [InlineData(8, 0, "--examples must be at least 1 (got 0)")]
    [InlineData(1_000_000, 10_000, "--contexts × --examples must be at most 10000000 (got 10000000000); lower --contexts")]
    public void GivenBadIclOptions_WhenTheLibraryRefusesThem_ThenTheCliShowsTheFlags(int contexts, int examples, string expected)
    {
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory), Examples = examples, Contexts = contexts };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.DoesNotContain("--", error.Message);
        Assert.Equal(expected, OptionFlags.Message(error));
    }

    [Fact]
    public void GivenMoreContextsPerBatchThanLlamaCppHasSequences_WhenChecked_ThenTheCliNamesBatchBeforeAnyModelLoads()
    {
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory), Contexts = 300, BatchContexts = 300 };
        Assert.Equal("--batch must be between 1 and 256 (got 300)", OptionFlags.Message(Assert.Throws<ArgumentException>(options.Validate)));
    }

    [Fact]
    public void GivenRangesAndInvertedSwitches_WhenShown_ThenEachBecomesItsFlagAndOtherWordsStay()
    {
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory), XMin = 0, XMax = 5000 };
        Assert.Equal("--x-range spans more than 1001 values, too many final x for the prediction sweep; narrow it or pass a narrower --sweep-x-range",
            OptionFlags.Message(Assert.Throws<ArgumentException>(options.Validate)));
        var draw = Assert.Throws<ArgumentException>(() => ExampleSampler.DrawX(new Random(1), 5, 0, 3, distinct: true));
        Assert.Equal("cannot draw 5 distinct x from 0..3 (4 values); widen --x-range, lower --examples or pass --with-replacement", OptionFlags.Message(draw));
        // A warning is text, not an exception: every name of the table it uses is shown as its flag.
        Assert.Equal("no member of it gives the examples of 2 of 8 contexts (task '2x+3'); pass a family (--family) that contains the task",
            OptionFlags.Text("no member of it gives the examples of 2 of 8 contexts (task '2x+3'); pass a family (IdealFamily) that contains the task"));
        // A name the exception was not tagged with stays as it is, even when the table knows it.
        Assert.Equal("Examples stay", OptionFlags.Message(new ArgumentException("Examples stay")));
    }

    [Fact]
    public void GivenABadIclOptionOnTheCommandLine_WhenRun_ThenOneLineNamesTheFlagAndNoModelIsLoaded()
    {
        var temp = Directory.CreateTempSubdirectory("probe-flags-").FullName;
        try
        {
            var (code, _, error) = CliRunner.Run("icl", "--task", "2x+3", "--model", BundledModel.Find()!, "--batch", "0",
                "--out", Path.Combine(temp, "icl"));
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Equal("probe: --batch must be between 1 and 256 (got 0)\n", error);
            Assert.False(Directory.Exists(Path.Combine(temp, "icl"))); // the claimed folder was released and removed
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The text of every string literal in <paramref name="code"/> (regular, verbatim, interpolated with nested literals, raw), comments skipped.</summary>
    internal static IReadOnlyList<string> StringLiterals(string code)
    {
        var found = new List<string>();
        var i = 0;
        Code(code, ref i, found, inHole: false);
        return found;
    }

    // Code until the end (or, in an interpolation hole, until its closing brace), collecting the literals it holds.
    private static void Code(string code, ref int i, List<string> found, bool inHole)
    {
        var depth = 0;
        while (i < code.Length)
        {
            var c = code[i];
            if (c == '/' && i + 1 < code.Length && code[i + 1] == '/') { i = code.IndexOf('\n', i) is var n and >= 0 ? n : code.Length; continue; }
            if (c == '/' && i + 1 < code.Length && code[i + 1] == '*') { i = code.IndexOf("*/", i + 2, StringComparison.Ordinal) is var n and >= 0 ? n + 2 : code.Length; continue; }
            if (c == '\'') { i = (i + 1 < code.Length && code[i + 1] == '\\' ? code.IndexOf('\'', i + 3) : i + 2) + 1; continue; } // '"', '\'', 'x'
            if (c == '"') { Literal(code, ref i, found); continue; }
            if (inHole && c == '{') depth++;
            if (inHole && c == '}' && depth-- == 0) return;
            i++;
        }
    }

    // One literal starting at the quote code[i]; its prefix ($, @, $$) is just before it.
    private static void Literal(string code, ref int i, List<string> found)
    {
        var prefixStart = i;
        while (prefixStart > 0 && code[prefixStart - 1] is '$' or '@') prefixStart--;
        var prefix = code[prefixStart..i];
        var verbatim = prefix.Contains('@');
        var interpolated = prefix.Contains('$');
        var text = new StringBuilder();
        if (code.AsSpan(i).StartsWith("\"\"\""))
        {
            var quotes = 0;
            while (i + quotes < code.Length && code[i + quotes] == '"') quotes++;
            var close = code.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            if (close < 0) close = code.Length;
            found.Add(code[(i + quotes)..close]);
            i = close + quotes;
            return;
        }
        i++;
        while (i < code.Length)
        {
            var c = code[i];
            if (verbatim && c == '"' && i + 1 < code.Length && code[i + 1] == '"') { text.Append('"'); i += 2; continue; }
            if (!verbatim && c == '\\' && i + 1 < code.Length) { text.Append(code[i + 1]); i += 2; continue; }
            if (interpolated && c == '{' && i + 1 < code.Length && code[i + 1] == '{') { text.Append('{'); i += 2; continue; }
            if (interpolated && c == '{')
            {
                i++;
                Code(code, ref i, found, inHole: true); // nested literals of the hole count on their own
                text.Append("{…}");
                i++;
                continue;
            }
            if (c == '"') break;
            text.Append(c);
            i++;
        }
        i++;
        found.Add(text.ToString());
    }

    // The option name one argument of .Naming(…) stands for: a literal, nameof(X), or a public const such as IclRunOptions.XRange (or XRange inside its type).
    private static string? OptionName(string argument)
    {
        var a = argument.Trim();
        if (Regex.Match(a, "^\"(?<s>[^\"]*)\"$") is { Success: true } literal) return literal.Groups["s"].Value;
        if (Regex.Match(a, @"^nameof\((?:[\w.]+\.)?(?<n>\w+)\)$") is { Success: true } nameOf) return nameOf.Groups["n"].Value;
        if (Regex.Match(a, @"^(?:(?<type>\w+)\.)?(?<field>\w+)$") is { Success: true } constant)
            return LibraryTypes().Where(t => !constant.Groups["type"].Success || t.Name == constant.Groups["type"].Value)
                .Select(t => t.GetField(constant.Groups["field"].Value, BindingFlags.Public | BindingFlags.Static))
                .FirstOrDefault(f => f is { IsLiteral: true })?.GetRawConstantValue() as string;
        return null;
    }

    private static IEnumerable<Type> LibraryTypes() =>
        new[] { typeof(IclRunOptions).Assembly, typeof(Probing.ToyModels.Training.ToyRun).Assembly, typeof(OptionNames).Assembly }.SelectMany(a => a.GetTypes());

    private static IEnumerable<string> SplitArguments(string args)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == '(') depth++;
            else if (args[i] == ')') depth--;
            else if (args[i] == ',' && depth == 0) { yield return args[start..i]; start = i + 1; }
        }
        yield return args[start..];
    }

    [GeneratedRegex("--[a-z][a-z-]+")]
    private static partial Regex FlagPattern();

    // .Naming("a", nameof(B), C.D): arguments hold at most one level of parentheses.
    [GeneratedRegex(@"\.Naming\((?<args>(?:[^()]|\([^()]*\))*)\)")]
    private static partial Regex NamingCall();
}
