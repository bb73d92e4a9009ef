#include "classifier.h"

#include "sha256.h"
#include "text_suggester.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <numeric>

namespace listinglens {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0, Clock::time_point t1 = Clock::now())
{
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// JPEGs are decoded no larger than the model's resize needs.
LoadLimits decodeLimits(LoadLimits limits, const ModelManifest &manifest)
{
    limits.targetShortSide = manifest.preprocess.resizeShorter;
    return limits;
}

// The decoded (often already reduced) pixels as a JPEG no longer than side.
QByteArray encodePreview(const cv::Mat &bgr, int side)
{
    cv::Mat small = bgr;
    const int longSide = std::max(bgr.cols, bgr.rows);
    if (longSide > side) {
        const double f = double(side) / longSide;
        cv::resize(bgr, small, cv::Size(), f, f, cv::INTER_AREA);
    }
    std::vector<uchar> jpeg;
    if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 88}))
        return {};
    return QByteArray(reinterpret_cast<const char *>(jpeg.data()), qsizetype(jpeg.size()));
}

} // namespace

Result<std::unique_ptr<Classifier>> Classifier::create(const ClassifierOptions &options)
{
    const QString modelDir = options.modelDir.isEmpty() ? defaultModelDir() : options.modelDir;
    auto manifest = options.manifestPath.isEmpty() ? ModelManifest::forModelDir(modelDir)
                                                   : ModelManifest::fromFile(options.manifestPath, options.modelDir);
    if (!manifest)
        return manifest.error();
    auto taxonomy = options.taxonomyPath.isEmpty() ? Taxonomy::builtIn() : Taxonomy::fromFile(options.taxonomyPath);
    if (!taxonomy)
        return taxonomy.error();
    if (auto covered = taxonomy.value().checkCovers(int(manifest.value().labels.size())); !covered)
        return covered.error();
    auto engine = InferenceEngine::load(manifest.value(), options.engine);
    if (!engine)
        return engine.error();
    return std::unique_ptr<Classifier>(new Classifier(std::move(engine).value(), std::move(taxonomy).value(), options));
}

Classifier::Classifier(std::unique_ptr<InferenceEngine> engine, Taxonomy taxonomy, const ClassifierOptions &options)
    : m_engine(std::move(engine)), m_taxonomy(std::move(taxonomy)),
      m_loader(decodeLimits(options.limits, m_engine->manifest())), m_quality(options.quality),
      m_previewSide(options.previewSide), m_thumbnailSide(options.thumbnailSide), m_fingerprint(options.fingerprint)
{
}

ModelInfo Classifier::modelInfo() const
{
    return {manifest().name, manifest().version, engineInfo().device};
}

PreparedPhoto Classifier::prepare(const PhotoSource &source) const
{
    PreparedPhoto p;
    p.name = source.name;
    p.started = Clock::now();
    QByteArray bytes = source.bytes;
    if (bytes.isEmpty() && !source.path.isEmpty()) {
        auto read = m_loader.readFile(source.path);
        if (!read) {
            p.timing.decode = msSince(p.started);
            p.error = read.error();
            return p;
        }
        bytes = std::move(read).value();
    }
    p.byteSize = bytes.size();
    if (m_fingerprint)
        p.sha256 = sha256Hex(bytes);
    auto image = m_loader.loadBytes(bytes);
    const auto decoded = Clock::now();
    p.timing.decode = msSince(p.started, decoded);
    if (!image) {
        p.error = image.error();
        return p;
    }
    try {
        const LoadedImage &img = image.value();
        p.tensor = preprocess(img.bgr, manifest().preprocess);
        p.quality = assessQuality(img.bgr, img.width, img.height, m_quality);
        p.colour = dominantColour(img.bgr);
        if (m_previewSide > 0)
            p.preview = encodePreview(img.bgr, m_previewSide);
        if (m_thumbnailSide > 0)
            p.thumbnail = encodePreview(img.bgr, m_thumbnailSide);
    } catch (const cv::Exception &e) {
        p.error = Error{ErrorCode::Internal, QStringLiteral("preprocessing failed: %1").arg(QString::fromUtf8(e.what()))};
    } catch (const std::exception &e) {
        p.error = Error{ErrorCode::Internal, QStringLiteral("preprocessing failed: %1").arg(QString::fromUtf8(e.what()))};
    }
    p.timing.preprocess = msSince(decoded);
    return p;
}

std::vector<Result<PhotoResult>> Classifier::finish(std::vector<PreparedPhoto> batch)
{
    std::vector<Result<PhotoResult>> results;
    results.reserve(batch.size());
    std::vector<std::size_t> runnable;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!batch[i].error)
            runnable.push_back(i);
    }
    const std::size_t tensorSize = std::size_t(manifest().preprocess.tensorSize());
    std::vector<float> input(runnable.size() * tensorSize);
    for (std::size_t k = 0; k < runnable.size(); ++k)
        std::copy(batch[runnable[k]].tensor.begin(), batch[runnable[k]].tensor.end(), input.begin() + k * tensorSize);

    const auto t0 = Clock::now();
    auto output = m_engine->run(input.data(), int(runnable.size()));
    const double inferenceMs = msSince(t0);

    std::size_t k = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        PreparedPhoto &p = batch[i];
        if (p.error) {
            results.emplace_back(*p.error);
            continue;
        }
        if (!output) {
            results.emplace_back(output.error());
            ++k;
            continue;
        }
        const EngineOutput &o = output.value();
        p.timing.inference = inferenceMs;
        results.emplace_back(suggest(p, o.probabilities.data() + k * o.classes, o.classes,
                                     o.embeddingDim ? o.embeddings.data() + k * o.embeddingDim : nullptr, o.embeddingDim));
        ++k;
    }
    return results;
}

PhotoResult Classifier::suggest(PreparedPhoto &p, const float *probs, int classes, const float *embedding, int embeddingDim) const
{
    PhotoResult r;
    r.file = p.name;
    r.quality = p.quality;
    r.preview = std::move(p.preview);
    r.thumbnail = std::move(p.thumbnail);
    r.sha256 = p.sha256;
    r.byteSize = p.byteSize;
    r.model = modelInfo();
    if (embedding)
        r.embedding.assign(embedding, embedding + embeddingDim);

    // Category confidence: probability mass summed over each category's classes.
    const auto &cats = m_taxonomy.categories();
    std::vector<double> mass(cats.size(), 0.0);
    for (int c = 0; c < classes; ++c)
        mass[m_taxonomy.categoryOfClass(c)] += probs[c];
    std::vector<int> order(cats.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mass[a] > mass[b]; });
    for (int i = 0; i < std::min<int>(3, int(order.size())); ++i)
        r.categories.push_back({cats[order[i]].id, cats[order[i]].name, mass[order[i]]});
    r.category = r.categories.front();

    std::vector<int> top(classes);
    std::iota(top.begin(), top.end(), 0);
    const int nLabels = std::min(5, classes);
    std::partial_sort(top.begin(), top.begin() + nLabels, top.end(), [&](int a, int b) { return probs[a] > probs[b]; });
    for (int i = 0; i < nLabels; ++i)
        r.labels.push_back({top[i], manifest().labels.value(top[i]), probs[top[i]]});

    const Category &category = cats[order.front()];
    ListingIndex::Lookup earlier;
    if (m_index)
        earlier = m_index->lookup(r.embedding, 5, category.id, r.quality.phash, m_quality.duplicateMaxHamming);
    r.price = PriceSuggester::suggest(category, earlier.evidence);
    for (const ListingIndex::Match &m : earlier.similar)
        r.similar.push_back({m.entry.id, m.similarity, m.entry.categoryId, m.entry.confirmed, m.entry.price, m.entry.fileName});
    if (earlier.duplicate) {
        r.duplicateOf = earlier.duplicate->id;
        r.duplicateOfFile = earlier.duplicate->fileName;
        r.quality.flags << QStringLiteral("duplicate");
    }

    const bool labelInCategory = m_taxonomy.categoryOfClass(r.labels.front().index) == order.front();
    const bool nameColour = p.colour.share >= TextSuggester::kColourShare;
    r.colour = nameColour ? p.colour.name : QString();
    LabelScore named = r.labels.front();
    named.name = m_taxonomy.listingName(named.index, named.name);
    const SuggestedText text = TextSuggester::suggest(category, named, labelInCategory, p.colour.name,
                                                      p.colour.share, p.quality);
    r.title = text.title;
    r.description = text.description;

    r.timing = p.timing;
    r.timing.total = msSince(p.started);
    return r;
}

Result<PhotoResult> Classifier::classify(const PhotoSource &source)
{
    std::vector<PreparedPhoto> one;
    one.push_back(prepare(source));
    return std::move(finish(std::move(one)).front());
}

} // namespace listinglens
