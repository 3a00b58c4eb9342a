using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

[Collection("icl")]
public sealed class PatchGridTests(IclModels models)
{
    private static IclPatchOptions Options() => new(TaskParser.Parse("2x+3"), TaskParser.Parse("3x+1"), IclModels.Template(), Examples: 8, Seed: 2);

    [Fact]
    public void GivenTheGrid_WhenReadAtTheFinalPosition_ThenItEqualsThePerLayerPatchExactly()
    {
        var perLayer = IclPatcher.Run(models.Scoring, models.Identity, Options(), null, CancellationToken.None);
        var grid = IclPatchGrid.Run(models.Scoring, models.Identity, Options(), null, null, CancellationToken.None);
        // More cells per layer than llama.cpp's default 512-token ubatch holds, so the wide packing is exercised.
        Assert.True(grid.PositionCount * 3 > 4 * (512 / grid.TargetTokens));
        Assert.Equal(models.Scoring.LayerCount * grid.PositionCount, grid.Cells.Count);
        Assert.Equal(perLayer.Rows, grid.Patch.Rows); // unpatched row and every layer at position −1, to the last bit
        var final = grid.Cells.Where(c => c.Position == -1).ToList();
        Assert.Equal(perLayer.Rows.Skip(1).Select(r => (r.PTargetRule, r.PSourceRule, r.PSourceLiteral)), final.Select(c => (c.PTargetRule, c.PSourceRule, c.PSourceLiteral)));
        // The grid is not one column repeated: patching earlier positions changes the answer's probability.
        Assert.True(grid.Cells.Select(c => c.PTargetRule).Distinct().Count() > grid.PositionCount);
    }

    [Fact]
    public void GivenGridCells_WhenEachIsDecodedAloneUnbatched_ThenItsProbabilitiesAreBitIdentical()
    {
        // Eight examples make prompts of ~80 tokens: a batch of them cut into ubatches would split every sequence,
        // which moves the numbers; this is the case the per-decode grouping must keep exact.
        var model = models.Scoring;
        var grid = IclPatchGrid.Run(model, models.Identity, Options(), null, null, CancellationToken.None);
        var setup = IclPatcher.Prepare(model, Options());
        foreach (var (layer, position) in new[] { (0, -1), (0, -7), (1, -3), (2, -20), (2, -2), (1, -grid.PositionCount) })
        {
            var cell = grid.Cells.Single(c => c.Layer == layer && c.Position == position);
            var k = -position - 1;
            var residual = model.CaptureResidual(setup.SourceTokens[..(setup.SourcePosition + 1)], layer, setup.SourcePosition - k);
            var alone = setup.Candidates.Select((c, i) => IclPatcher.AnswerProbability(model.EvaluatePatched(c.Tokens, new ResidualPatch(layer, setup.FinalPosition(i) - k, residual)), c.Answer)).ToArray();
            Assert.Equal(alone, new[] { cell.PTargetRule, cell.PSourceRule, cell.PSourceLiteral });
            Assert.Equal(setup.FinalPosition(0) - k, cell.Index);
            Assert.Equal(model.Piece(setup.Candidates[0].Tokens[cell.Index]), cell.Token);
        }
    }

    [Fact]
    public void GivenTheGrid_WhenRun_ThenEachLayerCostsOneDecodePerCandidateLength()
    {
        var model = models.Scoring;
        var setup = IclPatcher.Prepare(model, Options());
        var lengths = setup.Candidates.Select(c => c.Tokens.Length).Distinct().Count();
        var before = model.PatchedDecodes;
        var grid = IclPatchGrid.Run(model, models.Identity, Options(), null, null, CancellationToken.None);
        var decodes = model.PatchedDecodes - before;
        // One decode for the unpatched candidates, then per layer one per distinct candidate length (each within one ubatch),
        // not one per 512 tokens: at 512 this grid took ceil(cells / 6) decodes per layer.
        Assert.Equal(lengths * (1 + model.LayerCount), decodes);
        Assert.True(grid.PositionCount * 3 / lengths > 512 / grid.TargetTokens);
    }

    [Fact]
    public void GivenASpan_WhenRun_ThenItHoldsExactlyThoseCellsOfTheFullGrid()
    {
        var full = IclPatchGrid.Run(models.Scoring, models.Identity, Options(), null, null, CancellationToken.None);
        var fromEnd = IclPatchGrid.Run(models.Scoring, models.Identity, Options(), (-4, -2), null, CancellationToken.None);
        Assert.Equal(full.Cells.Where(c => c.Position is >= -4 and <= -2), fromEnd.Cells);
        var index = full.TargetTokens - 4; // position −4 from the start
        var fromStart = IclPatchGrid.Run(models.Scoring, models.Identity, Options(), (index, index + 2), null, CancellationToken.None);
        Assert.Equal(fromEnd.Cells, fromStart.Cells);
        Assert.Single(fromEnd.Patch.Rows); // −1 is outside the span: only the unpatched row
    }

    [Theory]
    [InlineData(-3, 2, "mixes counting from the end")]
    [InlineData(-1000, -1, "outside the positions")]
    [InlineData(-2, 0, "mixes")]
    [InlineData(0, 100000, "outside the positions")]
    public void GivenABadSpan_WhenResolved_ThenOneLineNamingTheValidRange(long first, long last, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => IclPatchGrid.Resolve((first, last), final: 40, maxOffset: 38));
        Assert.Contains(message, e.Message);
        Assert.Contains("-39..-1", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
