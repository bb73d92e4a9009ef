// The shipped MobileNetV2 rebuilt for training its top: a translation unit that includes LibTorch.
#include <torch/script.h>
#include <torch/torch.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

#include "trainable_mobilenet.h"

#include <QFileInfo>

#include <algorithm>

namespace listinglens {

namespace {

struct Convolution {
    torch::Tensor weight, bias;
    std::vector<int64_t> stride, padding, dilation;
    int64_t groups = 1;
};

Error modelError(const QString &what)
{
    return {ErrorCode::ModelError, QStringLiteral("cannot rebuild the model for training: %1").arg(what)};
}

// A constant list of ints, or one built by prim::ListConstruct from constants.
std::vector<int64_t> intList(const torch::jit::Value *v)
{
    if (const auto iv = torch::jit::toIValue(v); iv && iv->isIntList())
        return iv->toIntVector();
    std::vector<int64_t> out;
    if (v->node()->kind() != c10::Symbol::fromQualString("prim::ListConstruct"))
        return out;
    for (const torch::jit::Value *item : v->node()->inputs()) {
        const auto i = torch::jit::toIValue(item);
        if (!i || !i->isInt())
            return {};
        out.push_back(i->toInt());
    }
    return out;
}

// Every convolution of forward(), in graph order, with its constant tensors
// (the tensors themselves: writing into them changes the module).
std::vector<Convolution> convolutionsOf(torch::jit::Module &module, bool &relu6, torch::Tensor &linearWeight, torch::Tensor &linearBias)
{
    std::vector<Convolution> convs;
    const auto graph = module.get_method("forward").graph();
    for (torch::jit::Node *node : graph->nodes()) {
        const std::string kind = node->kind().toQualString();
        if (kind == "aten::hardtanh" || kind == "aten::hardtanh_")
            relu6 = true;
        if (kind == "aten::linear" && node->inputs().size() >= 3) {
            const auto w = torch::jit::toIValue(node->input(1)), b = torch::jit::toIValue(node->input(2));
            if (w && b && w->isTensor() && b->isTensor()) {
                linearWeight = w->toTensor();
                linearBias = b->toTensor();
            }
        }
        const bool conv2d = kind == "aten::conv2d", convolution = kind == "aten::_convolution";
        if (!conv2d && !convolution)
            continue;
        const auto w = torch::jit::toIValue(node->input(1)), b = torch::jit::toIValue(node->input(2));
        Convolution c;
        if (w && w->isTensor())
            c.weight = w->toTensor();
        if (b && b->isTensor())
            c.bias = b->toTensor();
        c.stride = intList(node->input(3));
        c.padding = intList(node->input(4));
        c.dilation = intList(node->input(5));
        const auto groups = torch::jit::toIValue(node->input(convolution ? 8 : 6));
        c.groups = groups && groups->isInt() ? groups->toInt() : 1;
        convs.push_back(std::move(c));
    }
    return convs;
}

} // namespace

// The shipped TorchScript cut after the last frozen block and optimised as
// the inference engine optimises the whole model (oneDNN): the frozen part
// at the engine's speed. Graph order: the residual add that follows the
// block's last convolution, else that convolution, is the new output.
std::optional<torch::jit::Module> frozenPartModule(const QString &path, int lastFrozenConv)
{
    torch::jit::Module module = torch::jit::load(path.toStdString(), torch::kCPU);
    module.eval();
    const auto graph = module.get_method("forward").graph();
    int index = 0;
    torch::jit::Value *cut = nullptr;
    for (torch::jit::Node *node : graph->nodes()) {
        const std::string kind = node->kind().toQualString();
        if (kind != "aten::conv2d" && kind != "aten::_convolution")
            continue;
        if (index++ != lastFrozenConv)
            continue;
        cut = node->output();
        for (const torch::jit::Use &use : cut->uses())
            if (std::string(use.user->kind().toQualString()).rfind("aten::add", 0) == 0)
                cut = use.user->output();
        break;
    }
    if (!cut)
        return std::nullopt;
    while (!graph->outputs().empty())
        graph->eraseOutput(0);
    graph->registerOutput(cut);
    torch::jit::EliminateDeadCode(graph);
    return torch::jit::optimize_for_inference(module);
}

struct TrainableMobileNet::Impl {
    std::vector<Convolution> convs;   // working copies
    std::optional<torch::jit::Module> frozenPart; // null: the rebuilt convolutions (slower)
    torch::Tensor classifierWeight, classifierBias;
    bool relu6 = false;
    int firstTailBlock = 16;
    double parity = 0;

    // Convolutions of block b (1..17): [first, last].
    static std::pair<int, int> blockConvs(int b) { return b == 1 ? std::pair{1, 2} : std::pair{3 + (b - 2) * 3, 5 + (b - 2) * 3}; }
    int firstTailConv() const { return blockConvs(firstTailBlock).first; }

    torch::Tensor conv(const torch::Tensor &x, int i) const
    {
        const Convolution &c = convs[std::size_t(i)];
        return torch::conv2d(x, c.weight, c.bias, c.stride, c.padding, c.dilation, c.groups);
    }
    torch::Tensor act(const torch::Tensor &x) const { return relu6 ? torch::hardtanh(x, 0, 6) : torch::relu(x); }
    torch::Tensor block(const torch::Tensor &x, int b) const
    {
        const auto [first, last] = blockConvs(b);
        torch::Tensor y = x;
        for (int i = first; i < last; ++i)
            y = act(conv(y, i));
        y = conv(y, last);
        return y.sizes() == x.sizes() ? y + x : y; // stride 1 and as many channels: residual
    }
};

TrainableMobileNet::TrainableMobileNet(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
TrainableMobileNet::~TrainableMobileNet() = default;

Result<std::unique_ptr<TrainableMobileNet>> TrainableMobileNet::load(const QString &path, int tailBlocks)
{
    if (tailBlocks < 1 || tailBlocks > 8)
        return modelError(QStringLiteral("the trained top must be 1 to 8 blocks"));
    try {
        torch::NoGradGuard noGrad;
        torch::jit::Module module = torch::jit::load(path.toStdString(), torch::kCPU);
        module.eval();
        auto impl = std::make_unique<Impl>();
        torch::Tensor linearWeight, linearBias;
        std::vector<Convolution> convs = convolutionsOf(module, impl->relu6, linearWeight, linearBias);
        if (convs.size() != 52 || !linearWeight.defined() || std::any_of(convs.begin(), convs.end(), [](const Convolution &c) {
                return !c.weight.defined() || !c.bias.defined() || c.stride.empty();
            }))
            return modelError(QStringLiteral("%1 is not the MobileNetV2 it expects (%2 convolutions with constant weights)").arg(path).arg(convs.size()));
        for (Convolution &c : convs) {
            c.weight = c.weight.detach().clone().to(torch::kFloat32);
            c.bias = c.bias.detach().clone().to(torch::kFloat32);
        }
        impl->convs = std::move(convs);
        impl->classifierWeight = linearWeight.detach().clone().to(torch::kFloat32);
        impl->classifierBias = linearBias.detach().clone().to(torch::kFloat32);
        impl->firstTailBlock = kBlocks + 1 - tailBlocks;
        const int lastFrozenConv = Impl::blockConvs(impl->firstTailBlock).first - 1;
        std::unique_ptr<TrainableMobileNet> net(new TrainableMobileNet(std::move(impl)));

        // Parity with the TorchScript on a probe that is not flat.
        const torch::Tensor probe = torch::sin(torch::arange(2 * 3 * 224 * 224, torch::kFloat32) * 0.37).reshape({2, 3, 224, 224}) * 2;
        const auto out = module.forward({probe}).toTuple()->elements();
        const torch::Tensor embedding = net->tail(net->frozen(probe));
        const torch::Tensor logits = torch::linear(embedding, net->d->classifierWeight, net->d->classifierBias);
        net->d->parity = std::max((logits - out[0].toTensor()).abs().max().item<double>(),
                                  (embedding - out[1].toTensor().reshape({2, -1})).abs().max().item<double>());
        if (!(net->d->parity <= kParityTolerance))
            return modelError(QStringLiteral("the rebuilt network differs from %1 by %2").arg(path).arg(net->d->parity));
        // The fast frozen part, kept only when it answers as the rebuilt one does.
        try {
            if (auto part = frozenPartModule(path, lastFrozenConv)) {
                const torch::Tensor fast = part->forward({probe}).toTensor(), slow = net->frozen(probe);
                if (fast.sizes() == slow.sizes() && (fast - slow).abs().max().item<double>() <= kParityTolerance)
                    net->d->frozenPart = std::move(part);
            }
        } catch (const std::exception &) {
            // the rebuilt convolutions stay
        }
        return net;
    } catch (const c10::Error &e) {
        return modelError(QString::fromUtf8(e.what_without_backtrace()));
    } catch (const std::exception &e) {
        return modelError(QString::fromUtf8(e.what()));
    }
}

torch::Tensor TrainableMobileNet::frozen(const torch::Tensor &input) const
{
    if (d->frozenPart)
        return d->frozenPart->forward({input}).toTensor();
    torch::Tensor x = d->act(d->conv(input, 0));
    for (int b = 1; b < d->firstTailBlock; ++b)
        x = d->block(x, b);
    return x;
}

torch::Tensor TrainableMobileNet::tail(const torch::Tensor &x16) const
{
    torch::Tensor x = x16;
    for (int b = d->firstTailBlock; b <= kBlocks; ++b)
        x = d->block(x, b);
    x = d->act(d->conv(x, 51));
    return x.mean({2, 3});
}

std::vector<torch::Tensor> TrainableMobileNet::tailParameters() const
{
    std::vector<torch::Tensor> p;
    for (int i = d->firstTailConv(); i < 52; ++i) {
        p.push_back(d->convs[std::size_t(i)].weight);
        p.push_back(d->convs[std::size_t(i)].bias);
    }
    return p;
}

void TrainableMobileNet::setTrainable(bool trainable)
{
    for (torch::Tensor &t : tailParameters())
        t.set_requires_grad(trainable);
}

const torch::Tensor &TrainableMobileNet::classifierWeight() const { return d->classifierWeight; }
const torch::Tensor &TrainableMobileNet::classifierBias() const { return d->classifierBias; }
int TrainableMobileNet::firstTailConvolution() const { return d->firstTailConv(); }
double TrainableMobileNet::parityDifference() const { return d->parity; }
bool TrainableMobileNet::frozenPartOptimised() const { return d->frozenPart.has_value(); }

Result<bool> TrainableMobileNet::saveTorchScript(const QString &basePath, const QString &outPath) const
{
    try {
        torch::NoGradGuard noGrad;
        torch::jit::Module module = torch::jit::load(basePath.toStdString(), torch::kCPU);
        bool relu6 = false;
        torch::Tensor w, b;
        std::vector<Convolution> constants = convolutionsOf(module, relu6, w, b);
        if (constants.size() != d->convs.size())
            return modelError(QStringLiteral("%1 is not the model this network was built from").arg(basePath));
        for (int i = d->firstTailConv(); i < 52; ++i) {
            constants[std::size_t(i)].weight.copy_(d->convs[std::size_t(i)].weight);
            constants[std::size_t(i)].bias.copy_(d->convs[std::size_t(i)].bias);
        }
        module.save(outPath.toStdString());
        // What was written answers as this network does.
        torch::jit::Module saved = torch::jit::load(outPath.toStdString(), torch::kCPU);
        const torch::Tensor probe = torch::cos(torch::arange(3 * 224 * 224, torch::kFloat32) * 0.11).reshape({1, 3, 224, 224}) * 2;
        const auto out = saved.forward({probe}).toTuple()->elements();
        const double difference = (tail(frozen(probe)) - out[1].toTensor().reshape({1, -1})).abs().max().item<double>();
        if (!(difference <= kParityTolerance))
            return modelError(QStringLiteral("the saved model differs from the trained network by %1").arg(difference));
        return true;
    } catch (const c10::Error &e) {
        return modelError(QString::fromUtf8(e.what_without_backtrace()));
    } catch (const std::exception &e) {
        return modelError(QString::fromUtf8(e.what()));
    }
}

} // namespace listinglens
