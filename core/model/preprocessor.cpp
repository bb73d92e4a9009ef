#include "preprocessor.h"

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

// Filter taps for each output index in [first, first + count) of a resize from
// inSize to outSize; the same construction as ATen's antialiased bilinear kernel.
struct Taps {
    std::vector<int> start;      // first input index per output
    std::vector<int> size;       // number of taps per output
    std::vector<float> weights;  // maxTaps per output, normalised
    int maxTaps = 0;
};

Taps computeTaps(int inSize, int outSize, int first, int count)
{
    const double scale = double(inSize) / double(outSize);
    const double support = scale >= 1.0 ? scale : 1.0;
    const double invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
    Taps t;
    t.maxTaps = int(std::ceil(support)) * 2 + 1;
    t.start.resize(count);
    t.size.resize(count);
    t.weights.assign(std::size_t(count) * t.maxTaps, 0.0f);
    for (int i = 0; i < count; ++i) {
        const double center = scale * (first + i + 0.5);
        const int xmin = std::max(int(center - support + 0.5), 0);
        const int xsize = std::min(std::min(int(center + support + 0.5), inSize) - xmin, t.maxTaps);
        double total = 0.0;
        float *w = &t.weights[std::size_t(i) * t.maxTaps];
        for (int j = 0; j < xsize; ++j) {
            const double x = (j + xmin - center + 0.5) * invScale;
            const double v = std::max(0.0, 1.0 - std::abs(x));
            w[j] = float(v);
            total += v;
        }
        if (total > 0.0) {
            for (int j = 0; j < xsize; ++j)
                w[j] = float(w[j] / total);
        }
        t.start[i] = xmin;
        t.size[i] = xsize;
    }
    return t;
}

} // namespace

void preprocess(const cv::Mat &bgr, const PreprocessSpec &spec, float *out)
{
    CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
    const int inH = bgr.rows, inW = bgr.cols;
    // torchvision: the long side becomes int(short_target * long / short).
    int outH, outW;
    if (inW <= inH) {
        outW = spec.resizeShorter;
        outH = int(double(spec.resizeShorter) * inH / inW);
    } else {
        outH = spec.resizeShorter;
        outW = int(double(spec.resizeShorter) * inW / inH);
    }
    const int crop = spec.cropSize;
    // torchvision's centre crop rounds half to even (Python's round()).
    const int top = int(std::nearbyint((outH - crop) / 2.0));
    const int left = int(std::nearbyint((outW - crop) / 2.0));

    const Taps tx = computeTaps(inW, outW, left, crop);
    const Taps ty = computeTaps(inH, outH, top, crop);
    const int rowFirst = ty.start.front();
    const int rowLast = ty.start.back() + ty.size.back();

    // Horizontal pass over the input rows the crop needs: rows x crop x 3.
    std::vector<float> tmp(std::size_t(rowLast - rowFirst) * crop * 3);
    for (int y = rowFirst; y < rowLast; ++y) {
        const auto *src = bgr.ptr<cv::Vec3b>(y);
        float *dst = &tmp[std::size_t(y - rowFirst) * crop * 3];
        for (int x = 0; x < crop; ++x) {
            const float *w = &tx.weights[std::size_t(x) * tx.maxTaps];
            const cv::Vec3b *p = src + tx.start[x];
            float b = 0, g = 0, r = 0;
            for (int k = 0; k < tx.size[x]; ++k) {
                b += w[k] * p[k][0];
                g += w[k] * p[k][1];
                r += w[k] * p[k][2];
            }
            dst[x * 3 + 0] = r; // RGB order from here on
            dst[x * 3 + 1] = g;
            dst[x * 3 + 2] = b;
        }
    }

    // Vertical pass, then scale to [0,1] and normalise, writing planar CHW.
    const std::size_t plane = std::size_t(crop) * crop;
    float scale[3], shift[3];
    for (int c = 0; c < 3; ++c) {
        scale[c] = 1.0f / (255.0f * spec.std[c]);
        shift[c] = -spec.mean[c] / spec.std[c];
    }
    std::vector<float> acc(std::size_t(crop) * 3);
    for (int y = 0; y < crop; ++y) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        const float *w = &ty.weights[std::size_t(y) * ty.maxTaps];
        for (int k = 0; k < ty.size[y]; ++k) {
            const float *row = &tmp[std::size_t(ty.start[y] + k - rowFirst) * crop * 3];
            for (int i = 0; i < crop * 3; ++i)
                acc[i] += w[k] * row[i];
        }
        for (int c = 0; c < 3; ++c) {
            float *dst = out + c * plane + std::size_t(y) * crop;
            for (int x = 0; x < crop; ++x)
                dst[x] = acc[x * 3 + c] * scale[c] + shift[c];
        }
    }
}

std::vector<float> preprocess(const cv::Mat &bgr, const PreprocessSpec &spec)
{
    std::vector<float> out(std::size_t(spec.tensorSize()));
    preprocess(bgr, spec, out.data());
    return out;
}

} // namespace listinglens
