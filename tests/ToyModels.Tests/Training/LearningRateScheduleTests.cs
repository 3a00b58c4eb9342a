using FsCheck.Xunit;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private static readonly TrainingOptions Base = new() { Steps = 100, Lr = 1e-3, WarmupSteps = 10 };

    [Theory]
    [InlineData(LrScheduleKind.Constant, 0, 1e-4)]
    [InlineData(LrScheduleKind.Constant, 9, 1e-3)]
    [InlineData(LrScheduleKind.Constant, 99, 1e-3)]
    [InlineData(LrScheduleKind.Linear, 4, 5e-4)]
    [InlineData(LrScheduleKind.Linear, 10, 1e-3)]
    [InlineData(LrScheduleKind.Linear, 55, 5e-4)]
    [InlineData(LrScheduleKind.Linear, 99, 1e-3 / 90)]
    [InlineData(LrScheduleKind.Cosine, 10, 1e-3)]
    [InlineData(LrScheduleKind.Cosine, 55, 5e-4)]
    public void GivenASchedule_WhenAskedAtAKnownStep_ThenTheRateIsTheFormulasValue(LrScheduleKind kind, long step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.At(Base with { Schedule = kind }, step), 12);

    [Fact]
    public void GivenCosineWithAFloor_WhenAtThreeQuarters_ThenBetweenFloorAndPeakAsTheCosineSays()
    {
        var options = new TrainingOptions { Steps = 100, Lr = 1.0, Schedule = LrScheduleKind.Cosine, FinalLrFraction = 0.1 };

        // progress 0.75: 0.1 + 0.9 · (1 + cos(0.75π)) / 2
        Assert.Equal(0.1 + 0.9 * (1 + Math.Cos(0.75 * Math.PI)) / 2, LearningRateSchedule.At(options, 75), 12);
    }

    [Property]
    public bool GivenAnyDecay_WhenStepsAdvanceAfterWarmup_ThenTheRateNeverRises(bool cosine, byte warmup, byte step)
    {
        var options = new TrainingOptions
        {
            Steps = 300, Lr = 1e-2, WarmupSteps = warmup % 100,
            Schedule = cosine ? LrScheduleKind.Cosine : LrScheduleKind.Linear,
        };
        var s = options.WarmupSteps + step;
        return LearningRateSchedule.At(options, s + 1) <= LearningRateSchedule.At(options, s) + 1e-15;
    }

    [Fact]
    public void GivenBadOptions_WhenValidated_ThenTheMessageNamesTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { Steps = 10, WarmupSteps = 11 }.Validate());
        Assert.Contains("training.warmup_steps", ex.Message);
    }
}
