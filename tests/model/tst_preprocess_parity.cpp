// Our preprocessing (OpenCV + our antialiased resize) against the reference
// computation done with LibTorch ops on the same decoded pixels: resize the
// shorter side to 256 (bilinear, antialiased, as torchvision), centre crop 224,
// RGB, mean/std. Tensors and logits must agree within 1e-3.
#include <torch/script.h>
#include <torch/torch.h>

#include "fixtures.h"
#include "image_loader.h"
#include "inference_engine.h"
#include "model_manifest.h"
#include "photo_files.h"
#include "preprocessor.h"

#include <QFileInfo>
#include <QTest>

#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace listinglens;

namespace {

torch::Tensor referencePreprocess(const cv::Mat &bgr, const PreprocessSpec &spec)
{
    namespace F = torch::nn::functional;
    torch::Tensor hwc = torch::from_blob(bgr.data, {bgr.rows, bgr.cols, 3}, torch::kUInt8).to(torch::kFloat32);
    torch::Tensor rgb = hwc.index({torch::indexing::Slice(), torch::indexing::Slice(), torch::tensor({2, 1, 0})});
    torch::Tensor nchw = rgb.permute({2, 0, 1}).unsqueeze(0).contiguous();
    const int h = bgr.rows, w = bgr.cols;
    const int s = spec.resizeShorter;
    const int64_t outH = w <= h ? int64_t(double(s) * h / w) : s;
    const int64_t outW = w <= h ? s : int64_t(double(s) * w / h);
    torch::Tensor resized = F::interpolate(nchw, F::InterpolateFuncOptions()
                                                     .size(std::vector<int64_t>{outH, outW})
                                                     .mode(torch::kBilinear)
                                                     .align_corners(false)
                                                     .antialias(true));
    const int c = spec.cropSize;
    const int64_t top = std::llround(std::nearbyint((outH - c) / 2.0));
    const int64_t left = std::llround(std::nearbyint((outW - c) / 2.0));
    torch::Tensor crop = resized.index({0, torch::indexing::Slice(), torch::indexing::Slice(top, top + c),
                                        torch::indexing::Slice(left, left + c)});
    torch::Tensor mean = torch::tensor({spec.mean[0], spec.mean[1], spec.mean[2]}).view({3, 1, 1});
    torch::Tensor std = torch::tensor({spec.std[0], spec.std[1], spec.std[2]}).view({3, 1, 1});
    return ((crop / 255.0 - mean) / std).contiguous();
}

} // namespace

class TestPreprocessParity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        auto manifest = ModelManifest::forModelDir(test::modelDir());
        QVERIFY2(manifest.ok(), qPrintable(manifest.ok() ? QString() : manifest.error().message));
        m_spec = manifest.value().preprocess;
        m_module = torch::jit::load(manifest.value().modelFile.toStdString());
        m_module.eval();
        EngineOptions options;
        options.device = QStringLiteral("cpu");
        options.threads = 1;
        auto engine = InferenceEngine::load(manifest.value(), options);
        QVERIFY2(engine.ok(), qPrintable(engine.ok() ? QString() : engine.error().message));
        m_engine = std::move(engine).value();
    }

    // On the CPU the engine runs the frozen module whose convolutions are all
    // oneDNN primitives, and it says so; the plain module stays available.
    void theOptimisedModuleIsTheOneUsed()
    {
        QCOMPARE(m_engine->info().path, QString::fromLatin1(kOneDnnPath));
        QVERIFY(m_engine->info().deviceName.contains(QStringLiteral("oneDNN")));
        QVERIFY(m_engine->info().optimizedDifference <= InferenceEngine::kOptimizedTolerance);
        auto manifest = ModelManifest::forModelDir(test::modelDir());
        EngineOptions plain;
        plain.device = QStringLiteral("cpu");
        plain.threads = 1;
        plain.optimize = false;
        auto engine = InferenceEngine::load(manifest.value(), plain);
        QVERIFY(engine.ok());
        QCOMPARE(engine.value()->info().path, QStringLiteral("TorchScript"));
    }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("path");
        for (const QString &f : findPhotos(test::samplePhotosDir()))
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
        // Shapes the photos do not cover: upscaling a small image, a tall one, a large downscale.
        QTest::newRow("synthetic:40x40") << QStringLiteral("synthetic:40:40");
        QTest::newRow("synthetic:300x900") << QStringLiteral("synthetic:300:900");
        QTest::newRow("synthetic:1600x1200") << QStringLiteral("synthetic:1600:1200");
    }

    void matchesReference()
    {
        QFETCH(QString, path);
        cv::Mat bgr;
        if (path.startsWith(QLatin1String("synthetic:"))) {
            const int w = path.section(QLatin1Char(':'), 1, 1).toInt(), h = path.section(QLatin1Char(':'), 2, 2).toInt();
            bgr = cv::Mat(h, w, CV_8UC3);
            cv::randu(bgr, 0, 255);
            cv::GaussianBlur(bgr, bgr, cv::Size(5, 5), 1.5);
        } else {
            LoadLimits full;
            full.targetShortSide = 0;
            auto image = ImageLoader(full).loadFile(path);
            QVERIFY(image.ok());
            bgr = image.value().bgr;
        }
        const std::vector<float> ours = preprocess(bgr, m_spec);
        const torch::Tensor reference = referencePreprocess(bgr, m_spec);
        torch::Tensor oursTensor = torch::from_blob(const_cast<float *>(ours.data()), {3, m_spec.cropSize, m_spec.cropSize}).clone();
        const double tensorDiff = (oursTensor - reference).abs().max().item<double>();
        QVERIFY2(tensorDiff < 1e-3, qPrintable(QStringLiteral("tensor max |diff| = %1").arg(tensorDiff)));

        c10::InferenceMode guard;
        auto logits = [&](const torch::Tensor &x) {
            auto out = m_module.forward({x.unsqueeze(0)});
            return out.isTuple() ? out.toTupleRef().elements()[0].toTensor() : out.toTensor();
        };
        const double logitDiff = (logits(oursTensor) - logits(reference)).abs().max().item<double>();
        QVERIFY2(logitDiff < 1e-3, qPrintable(QStringLiteral("logits max |diff| = %1").arg(logitDiff)));

        // The engine's optimised (oneDNN) module on our input against the plain
        // module on the reference input: the same probabilities within 1e-3.
        auto optimised = m_engine->run(ours.data(), 1);
        QVERIFY(optimised.ok());
        const torch::Tensor expected = torch::softmax(logits(reference), 1).contiguous();
        double probabilityDiff = 0;
        for (int k = 0; k < optimised.value().classes; ++k)
            probabilityDiff = std::max(probabilityDiff, std::abs(double(optimised.value().probabilities[std::size_t(k)])
                                                                 - expected[0][k].item<double>()));
        QVERIFY2(probabilityDiff < 1e-3, qPrintable(QStringLiteral("oneDNN probabilities max |diff| = %1").arg(probabilityDiff)));
    }

private:
    PreprocessSpec m_spec;
    torch::jit::Module m_module;
    std::unique_ptr<InferenceEngine> m_engine;
};

QTEST_GUILESS_MAIN(TestPreprocessParity)
#include "tst_preprocess_parity.moc"
