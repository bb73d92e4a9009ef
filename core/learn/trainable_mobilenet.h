#pragma once

#include "error.h"

#include <QString>

#include <memory>
#include <vector>

namespace at {
class Tensor;
}

namespace listinglens {

// The shipped MobileNetV2 (a frozen TorchScript, batch-norm folded into its
// convolutions) rebuilt as a network whose top can be trained: its 52
// convolutions' weights and biases and the classifier are read from the
// graph in order, the architecture is MobileNetV2's (stem, 17 inverted
// residual blocks, the 1x1 convolution to 1280 channels, average pool), and
// load() checks that the rebuilt network gives the TorchScript's logits and
// embedding on a probe.
//
// The network is split at a block: frozen() runs the stem and the blocks
// before it (computed once per photo view and cached by the fine-tuner), and
// tail() the last blocks, the 1x1 convolution and the pool, with gradients.
class TrainableMobileNet {
public:
    static constexpr int kBlocks = 17;
    static constexpr double kParityTolerance = 1e-3;

    // tailBlocks: how many of the last inverted-residual blocks are trained (1 to 8).
    static Result<std::unique_ptr<TrainableMobileNet>> load(const QString &torchScriptPath, int tailBlocks = 2);
    ~TrainableMobileNet();

    // N x 3 x 224 x 224 normalised input -> the input of the first trained block.
    at::Tensor frozen(const at::Tensor &input) const;
    // That -> N x 1280 embedding (before L2 normalisation), differentiable in tailParameters().
    at::Tensor tail(const at::Tensor &frozenOutput) const;
    // The trained convolutions' weights and biases (require gradients once trainable(true)).
    std::vector<at::Tensor> tailParameters() const;
    void setTrainable(bool trainable);

    // The ImageNet classifier (1000 x 1280, 1000), unchanged by fine-tuning.
    const at::Tensor &classifierWeight() const;
    const at::Tensor &classifierBias() const;

    // The TorchScript file at `basePath` with this network's tail weights in
    // place of its own, saved to `outPath` (a model the inference engine loads
    // as it loads the shipped one); checked against tail() on a probe.
    Result<bool> saveTorchScript(const QString &basePath, const QString &outPath) const;

    int firstTailConvolution() const;
    double parityDifference() const; // load()'s probe: the largest difference from the TorchScript
    // frozen() runs the shipped TorchScript cut after the frozen blocks and
    // optimised for oneDNN, as the inference engine runs the whole model
    // (checked against the rebuilt convolutions on the probe).
    bool frozenPartOptimised() const;

private:
    struct Impl;
    explicit TrainableMobileNet(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace listinglens
