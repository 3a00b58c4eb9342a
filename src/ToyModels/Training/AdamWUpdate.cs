using Probing.ToyModels.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Training;

/// <summary>
/// TorchSharp 0.107's AdamW update (decoupled weight decay, bias-corrected moments, no amsgrad, no
/// maximize), op for op and on the optimizer's own state, but with every Scalar held in a <c>using</c>
/// local until its native call returns. TorchSharp's AdamW.step converts doubles to Scalar temporaries
/// that the GC can finalize while THSTensor_add / THSTensor_div_scalar still read them ("toFloat",
/// "Unknown scalar type" crashes in long trainings). The moments stay in the AdamW object, so
/// checkpoints and resume are unchanged.
/// </summary>
internal static class AdamWUpdate
{
    public static void Step(AdamW optimizer, double beta1, double beta2, double eps, double weightDecay)
    {
        // state_dict().State lists the live State objects in param-group, then parameter, order.
        var states = optimizer.state_dict().State;
        var index = 0;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var beta1Scalar = beta1.ToScalar();
        using var oneMinusBeta1 = (1 - beta1).ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta2 = (1 - beta2).ToScalar();
        using var epsScalar = eps.ToScalar();
        foreach (var group in optimizer.ParamGroups)
        {
            var lr = group.LearningRate;
            foreach (var param in ((ParamGroup)group).Parameters)
            {
                var state = (AdamW.State)states[index++];
                var grad = param.grad;
                if (grad is null) continue;
                state.step += 1;
                using var decay = (1 - lr * weightDecay).ToScalar();
                param.mul_(decay);
                var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(beta1Scalar).add_(grad, oneMinusBeta1);
                state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, oneMinusBeta2);
                using var sqrtCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
                var denom = state.exp_avg_sq.sqrt().div(sqrtCorrection2).add_(epsScalar, TorchScalars.One); // like param
                using var negStepSize = (-(lr / biasCorrection1)).ToScalar();
                param.addcdiv_(state.exp_avg, denom, negStepSize);
            }
        }
    }
}
