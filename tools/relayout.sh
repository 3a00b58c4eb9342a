#!/usr/bin/env bash
# Issue 18 part 5, layout: a GGUF-format project (src/Gguf, namespace Probing.Gguf) that IclHarness and ToyModels
# reference, and IclHarness folders that show its parts: Llama/ (the llama.cpp host, with Native/ and Preflight/),
# Icl/ (the ICL experiment, in sub-folders by concept) and Reports/ (plots and reports, out of the binding folder).
#
# Re-runnable and idempotent: files are placed by rules on their names, so files added after this script was
# written are swept too; a second run changes nothing. After the moves every C# file under src/Gguf and
# src/IclHarness gets the namespace of its folder, and every file in src/ and tests/ that used a moved type gets
# the `using` it now needs (types are found by name; see fix_namespaces below). Run from anywhere in the repo:
#
#   tools/relayout.sh            # move, rewrite, print a checklist
#   ICL_SUBNAMESPACES=0 tools/relayout.sh   # Icl sub-folders keep namespace Probing.IclHarness.Icl
#
# Then: dotnet build Probing.sln -c Release && ./test. Lines starting with CHECK need a person.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
started=$(date +%s)
export ICL_SUBNAMESPACES="${ICL_SUBNAMESPACES:-1}"
MOVES=$(mktemp)
trap 'rm -f "$MOVES"' EXIT

# git mv when tracked (keeps history), plain mv otherwise; records "old new" for the path rewrites below.
move() {
    local src=$1 dir=$2
    local dst="$dir/$(basename "$src")"
    [ "$src" = "$dst" ] && return 0
    if [ -e "$dst" ]; then echo "CHECK: $dst already exists; $src left where it is"; return 0; fi
    mkdir -p "$dir"
    if git ls-files --error-unmatch "$src" >/dev/null 2>&1; then git mv "$src" "$dst"; else mv "$src" "$dst"; fi
    echo "$src $dst" >>"$MOVES"
}

# ---------------------------------------------------------------------------------------------------------
# 1. The GGUF format project.
# ---------------------------------------------------------------------------------------------------------
mkdir -p src/Gguf
if [ ! -f src/Gguf/Gguf.csproj ]; then
    cat >src/Gguf/Gguf.csproj <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <!--
    The GGUF file format: reader, parser, writer, value and tensor types, ggml type sizes, llama-architecture
    hyperparameters, tokenizer vocabularies and tiny test models. Plain C#: no packages, no native code, so that
    ToyModels can write GGUF without the llama.cpp host. What llama.cpp itself refuses or aborts on (the
    preflight) is host knowledge and lives in IclHarness/Llama/Preflight.
  -->
  <PropertyGroup>
    <AssemblyName>Probing.Gguf</AssemblyName>
    <RootNamespace>Probing.Gguf</RootNamespace>
  </PropertyGroup>
  <ItemGroup>
    <!-- The GGUF tests (tests/IclHarness.Tests/Gguf) build damaged files from GgufValue's internal factories. -->
    <InternalsVisibleTo Include="Probing.IclHarness.Tests" />
  </ItemGroup>
</Project>
XML
fi
git add src/Gguf/Gguf.csproj
grep -q 'src\\Gguf\\Gguf.csproj' Probing.sln || dotnet sln Probing.sln add --solution-folder src src/Gguf/Gguf.csproj >/dev/null
for project in src/IclHarness/IclHarness.csproj src/ToyModels/ToyModels.csproj; do
    grep -q 'Gguf\\Gguf.csproj' "$project" ||
        perl -0pi -e 's{(\n(\s*)<ProjectReference Include="\.\.\\Bayes\\Bayes\.csproj" />)}{$1\n$2<ProjectReference Include="..\\Gguf\\Gguf.csproj" />}' "$project"
    grep -q 'Gguf\\Gguf.csproj' "$project" || echo "CHECK: add <ProjectReference Include=\"..\\Gguf\\Gguf.csproj\" /> to $project"
done
grep -q 'The llama.cpp binding, GGUF reader/writer' src/IclHarness/IclHarness.csproj &&
    perl -pi -e 's{<!-- The llama\.cpp binding, GGUF reader/writer, and the in-context-learning harness\. -->}{<!-- The llama.cpp host (Llama/), the in-context-learning experiment (Icl/) and their plots and reports (Reports/). The GGUF format is src/Gguf. -->}' src/IclHarness/IclHarness.csproj

# GGUF files that are about what llama.cpp accepts (preflight, its abort corpus, the fuzz entry that runs the
# preflight) stay with the host; everything else under IclHarness/Gguf is the format.
if [ -d src/IclHarness/Gguf ]; then
    for f in src/IclHarness/Gguf/*.cs; do
        [ -e "$f" ] || continue
        case "$(basename "$f")" in
            *Preflight*.cs | PrecompiledCharsmap*.cs | GgufFuzz*.cs | GgufAbort*.cs) move "$f" src/IclHarness/Llama/Preflight ;;
            *) move "$f" src/Gguf ;;
        esac
    done
    [ -n "$(find src/IclHarness/Gguf -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*')" ] ||
        { git rm -rq --ignore-unmatch src/IclHarness/Gguf >/dev/null 2>&1 || true; rm -rf src/IclHarness/Gguf; }
fi

# ---------------------------------------------------------------------------------------------------------
# 2. The host folder keeps the binding; preflight in its own folder; plots and reports leave it.
# ---------------------------------------------------------------------------------------------------------
for f in src/IclHarness/Llama/*.cs; do
    [ -e "$f" ] || continue
    case "$(basename "$f")" in
        *Preflight.cs | *Preflight.*.cs) move "$f" src/IclHarness/Llama/Preflight ;;
        *Report.cs | *Report.*.cs | *Heatmap.cs | *Heatmap.*.cs | *Plot.cs | *Plots.cs | *Plots.*.cs | *Writer.cs | *Writer.*.cs)
            move "$f" src/IclHarness/Reports ;;
    esac
done

# ---------------------------------------------------------------------------------------------------------
# 3. Icl/ by concept. First match wins; what matches nothing stays in Icl/ (the run itself: IclRunner,
#    IclRunOptions, IclRunResult, IclHarnessRun, IclProgress, BundledModel, ModelIdentity, the sweep).
# ---------------------------------------------------------------------------------------------------------
icl_folder() {
    case "$1" in
        IclPatch* | Patch*) echo Patching ;;
        IclHeads* | HeadBaseline*) echo Heads ;;
        IclTaskVector* | IclFunctionVector* | TaskVector* | FunctionVector*) echo TaskVector ;;
        IclShard*) echo Sharding ;;
        IclBench*) echo Bench ;;
        IScoringModel* | *ScoringModel* | ContextScorer* | ContextPlan* | Distribution* | *Measurement*) echo Scoring ;;
        Task* | IntegerFunction* | PolynomialTerm* | ParameterRange* | ExampleSampler* | IclExample.cs) echo Tasks ;;
        Prompt* | TokenAlignment* | NumericTokens*) echo Prompts ;;
        IclFit* | IclCompare* | IclPlots* | IclReport* | IclRunWriter* | MeanInterval* | Proportion* | *Summary*) echo Report ;;
        *) echo "" ;;
    esac
}
for f in src/IclHarness/Icl/*.cs; do
    [ -e "$f" ] || continue
    folder=$(icl_folder "$(basename "$f")")
    [ -n "$folder" ] && move "$f" "src/IclHarness/Icl/$folder"
done

# ---------------------------------------------------------------------------------------------------------
# 4. Namespaces from folders, usings from the types each file names, qualified names, dangling usings.
# ---------------------------------------------------------------------------------------------------------
fix_namespaces() {
    git ls-files -co --exclude-standard -- 'src/*.cs' 'tests/*.cs' | grep -vE '/(bin|obj)/' | perl -e '
use strict; use warnings;
my $icl_sub = $ENV{ICL_SUBNAMESPACES};
my @files = grep { chomp; -f $_ } <STDIN>;
my %text;
for my $f (@files) { local $/; open my $fh, "<", $f or die "$f: $!"; $text{$f} = <$fh>; close $fh; }
my $family = qr/^Probing\.(?:IclHarness|Gguf)(?:\.|$)/;

sub expected_ns {
    my ($p) = @_;
    return "Probing.Gguf" . join("", map { ".$_" } split m{/}, $1) if $p =~ m{^src/Gguf/(?:(.+)/)?[^/]+\.cs$} && defined $1;
    return "Probing.Gguf" if $p =~ m{^src/Gguf/[^/]+\.cs$};
    if ($p =~ m{^src/IclHarness/(?:(.+)/)?[^/]+\.cs$}) {
        my @seg = defined $1 ? split(m{/}, $1) : ();
        @seg = ("Icl") if !$icl_sub && @seg && $seg[0] eq "Icl";
        return join(".", "Probing.IclHarness", @seg);
    }
    return undef;
}
sub ns_of { my ($t) = @_; return $t =~ /^namespace\s+([\w.]+)\s*;/m ? $1 : ""; }

# Namespace of every file under src/Gguf and src/IclHarness = its folder.
for my $f (@files) {
    my $want = expected_ns($f) // next;
    my $have = ns_of($text{$f});
    next if $have eq $want;
    if ($have eq "") { print "CHECK: $f has no file-scoped namespace (wanted $want)\n"; next; }
    $text{$f} =~ s/^namespace\s+[\w.]+\s*;/namespace $want;/m;
}

# Top-level types (column 0 under file-scoped namespaces) and declared namespaces.
my (%family_type, %other_type, %declared);
my $decl = qr/^(?:\[[^\n]*\]\s*)*(?:(?:public|internal|private|protected|sealed|static|abstract|partial|readonly|unsafe|ref|file|new)\s+)*(?:record\s+struct|record\s+class|record|class|struct|interface|enum|delegate\s+[^\n(]*?)\s+(\w+)/m;
for my $f (@files) {
    my $ns = ns_of($text{$f}) or next;
    $declared{$ns} = 1;
    next unless $f =~ m{^src/};
    my $t = $text{$f};
    while ($t =~ /$decl/g) {
        my $name = $1;
        if ($ns =~ $family) { $family_type{$name}{$ns} = 1 } else { $other_type{$name}{$ns} = 1 }
    }
}
my @segments = do { my %s; for my $ns (keys %declared) { next unless $ns =~ $family; $s{$_} = 1 for split /\./, $ns } sort keys %s };
my $seg_re = join "|", map { quotemeta } @segments;

for my $f (@files) {
    my $t = $text{$f};
    my $ns = ns_of($t);
    my %using; $using{$1} = 1 while $t =~ /^using\s+([\w.]+)\s*;/mg;
    my $accessible = sub { my ($n) = @_; return $using{$n} || $ns eq $n || index("$ns.", "$n.") == 0; };
    my $touches = ($ns =~ $family) || grep { $_ =~ $family } keys %using;
    next unless $touches;
    my %add;
    (my $body = $t) =~ s/^(?:using|namespace)\s[^\n]*\n//mg;
    my %words; $words{$1} = 1 while $body =~ /\b([A-Z]\w*)\b/g;
    for my $name (sort keys %words) {
        my $where = $family_type{$name} or next;
        my @ns = sort keys %$where;
        next if grep { $accessible->($_) } @ns;
        if (@ns > 1) { print "CHECK: $f names $name, declared in @ns; add the using it means\n"; next; }
        my $n = $ns[0];
        my @clash = grep { $accessible->($_) } keys %{ $other_type{$name} // {} };
        if (@clash) { print "CHECK: $f names $name (also in @clash); not adding using $n\n"; next; }
        $add{$n} = 1;
    }
    # Qualified names: Probing.IclHarness.Icl.BundledModel, Llama.LlamaPreflight, ... -> the type'"'"'s namespace now.
    for my $name (keys %family_type) {
        my @ns = keys %{ $family_type{$name} }; next unless @ns == 1; my $n = $ns[0];
        $t =~ s/\bProbing\.(?:IclHarness|Gguf)(?:\.\w+)*\.\Q$name\E\b/$n.$name/g;
        $t =~ s{(?<![\w.])((?:(?:$seg_re)\.)+)\Q$name\E\b}{ my $qualifier = $1; my $q = substr($qualifier, 0, -1);
            ($n eq $q || $n =~ /\.\Q$q\E$/) ? "$qualifier$name" : ($ns eq $n || index("$ns.", "$n.") == 0) ? $name : "$n.$name" }ge if $seg_re;
    }
    for my $n (sort keys %add) {
        my $line = "using $n;\n";
        my @lines = ($t =~ /^(using\s+[\w.]+\s*;)[ \t]*$/mg);
        # Ordinal order of the names (so Probing.IclHarness.Icl comes before Probing.IclHarness.Icl.Patching).
        my @before = grep { /^using (Probing\.[\w.]+)/ && $1 gt $n } @lines;
        if (@before) { my $first = $before[0]; $t =~ s/^\Q$first\E/$line$first/m; }
        elsif (my @ours = grep { /^using Probing\./ } @lines) { my $last = $ours[-1]; $t =~ s/^\Q$last\E[ \t]*\n/$last\n$line/m; }
        elsif (@lines) { my $last = $lines[-1]; $t =~ s/^\Q$last\E[ \t]*\n/$last\n$line/m; }
        else { $t =~ s/^(namespace\s)/$line\n$1/m; }
    }
    # Usings of family namespaces that no longer exist (after the inserts, which may use them as anchors).
    for my $u (keys %using) {
        next unless $u =~ $family && !$declared{$u};
        $t =~ s/^using\s+\Q$u\E\s*;[ \t]*\n//m and $t =~ s/\A(?:[ \t]*\n)+//;
    }
    $text{$f} = $t;
}
for my $f (@files) {
    my $orig = do { local $/; open my $fh, "<", $f or die; <$fh> };
    next if $orig eq $text{$f};
    open my $fh, ">", $f or die "$f: $!"; print $fh $text{$f}; close $fh;
}
'
}
fix_namespaces

# ---------------------------------------------------------------------------------------------------------
# 5. Paths and names in docs and comments.
# ---------------------------------------------------------------------------------------------------------
mapfile -t texts < <(git ls-files -co --exclude-standard -- '*.md' 'src/*.cs' 'tests/*.cs' '*.csproj' | grep -vE '/(bin|obj)/' |
    while read -r f; do [ -f "$f" ] && echo "$f"; done)
MOVES="$MOVES" perl -e '
    open my $m, "<", $ENV{MOVES} or die; my @moves = map { chomp; [split / /] } <$m>;
    for my $f (@ARGV) {
        my $t = do { local $/; open my $fh, "<", $f or die "$f: $!"; <$fh> };
        my $orig = $t;
        for my $mv (@moves) { $t =~ s{\Q$mv->[0]\E}{$mv->[1]}g }
        $t =~ s{src/IclHarness/Gguf/}{src/Gguf/}g; $t =~ s{\bProbing\.IclHarness\.Gguf\b}{Probing.Gguf}g;
        next if $t eq $orig;   # untouched files keep their time stamps: no needless rebuild
        open my $out, ">", $f or die "$f: $!"; print $out $t; close $out;
    }' "${texts[@]}"
# The preflight is the host's knowledge of llama.cpp, not the format: say where it lives.
grep -q 'src/IclHarness/Llama/Preflight/' docs/gguf.md ||
    perl -0pi -e 's{(\n## Semantic preflight [^\n]*\n\n)}{$1The preflight knows one llama.cpp build, not the format, so it lives with the host in\n`src/IclHarness/Llama/Preflight/` (namespace `Probing.IclHarness.Llama.Preflight`), next to its abort corpus and `GgufFuzz`.\n\n}' docs/gguf.md
# The fuzz target's reader is in Probing.Gguf.dll now: that is the assembly to instrument.
grep -q 'sharpfuzz .*Probing.IclHarness.dll' docs/gguf.md &&
    perl -pi -e 's{(sharpfuzz \S*?)Probing\.IclHarness\.dll}{${1}Probing.Gguf.dll}g' docs/gguf.md
grep -q 'Instrument Probing.IclHarness.dll' tests/Fuzz.Gguf/Fuzz.Gguf.csproj &&
    perl -pi -e 's{Instrument Probing\.IclHarness\.dll}{Instrument Probing.Gguf.dll}' tests/Fuzz.Gguf/Fuzz.Gguf.csproj
grep -q '^| `src/Gguf`' README.md ||
    perl -pi -e 's{^\| `src/IclHarness` \| llama\.cpp binding, GGUF reader/writer, the ICL harness \|$}{| `src/Gguf` | the GGUF format: reader, writer, metadata, tokenizer vocabularies (no native code) |\n| `src/IclHarness` | llama.cpp host (`Llama/`), the ICL experiment (`Icl/`), plots and reports (`Reports/`) |}' README.md

# ---------------------------------------------------------------------------------------------------------
# 6. Checks a person should look at.
# ---------------------------------------------------------------------------------------------------------
if git ls-files -co --exclude-standard -- 'src/Gguf/*.cs' | grep -vE '/(bin|obj)/' | xargs -r grep -lE 'Probing\.IclHarness|LLama'; then
    echo "CHECK: the files above are in src/Gguf but name the host; move them to src/IclHarness/Llama/Preflight (extend the case in step 1)"
fi
flat=$(find src/IclHarness/Icl -maxdepth 1 -name '*.cs' | wc -l)
echo "relayout: $(wc -l <"$MOVES") files moved, $flat files left flat in src/IclHarness/Icl, $(( $(date +%s) - started )) s"
cat <<'TEXT'
checklist (hand edits this script does not make; take them from the layout branch's last commit):
  - DEVELOPERS.md "Layout and dependency direction": src/Gguf, IclHarness's parts, why Icl sub-folders are namespaces
  - tests/Probe.Tests/ArchitectureTests.cs: Probing.Gguf reaches only the runtime; IclHarness reaches Probing.Gguf
  - git add -A (moved files are staged by git mv; rewritten files are not)
next: dotnet build Probing.sln -c Release && ./test
TEXT
