using System.Text;
using System.Text.Json;
using Probing.Bayes;

namespace Probing.BayesExperiments;

/// <summary>The one-line JSON reports of the Bayes references (what <c>--json</c> prints); numbers round-trip.</summary>
public static class BayesJson
{
    /// <summary><c>{"mean_loss_nats", "known_p_floor_nats", "per_position_nats"}</c> of the beta-Bernoulli reference.</summary>
    public static string BetaBernoulli(IReadOnlyList<double> perPositionNats, double meanNats, double knownPFloorNats) => Write(writer =>
    {
        writer.WriteNumber("mean_loss_nats", meanNats);
        writer.WriteNumber("known_p_floor_nats", knownPFloorNats);
        writer.WriteStartArray("per_position_nats");
        foreach (var value in perPositionNats) writer.WriteNumberValue(value);
        writer.WriteEndArray();
    });

    /// <summary><c>{"ideal_loss_nats", "ideal_target_loss_nats" (null without target positions), "per_position_nats"}</c>.</summary>
    public static string NRecurrence(NRecurrenceIdealLoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return Write(writer =>
        {
            writer.WriteNumber("ideal_loss_nats", loss.MeanNats);
            if (double.IsNaN(loss.TargetMeanNats)) writer.WriteNull("ideal_target_loss_nats");
            else writer.WriteNumber("ideal_target_loss_nats", loss.TargetMeanNats);
            writer.WriteStartArray("per_position_nats");
            foreach (var value in loss.PerPositionNats) writer.WriteNumberValue(value);
            writer.WriteEndArray();
        });
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
