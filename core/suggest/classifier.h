#pragma once

#include "dominant_colour.h"
#include "category_head.h"
#include "error.h"
#include "image_loader.h"
#include "inference_engine.h"
#include "listing_index.h"
#include "model_manifest.h"
#include "photo_quality.h"
#include "photo_result.h"
#include "price_suggester.h"
#include "taxonomy.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace listinglens {

class FaceDetector;

struct ClassifierOptions {
    QString modelDir;      // empty: defaultModelDir()
    QString manifestPath;  // empty: the model directory's own, else the built-in one
    QString taxonomyPath;  // empty: the built-in taxonomy
    QString headPath;      // a category head file (`model export`); empty: none, or the database's active one
    EngineOptions engine;
    LoadLimits limits;
    QualityThresholds quality;
    int previewSide = 0;   // > 0: results carry a JPEG preview at most this long (for windows)
    int thumbnailSide = 0; // > 0: results carry a JPEG thumbnail at most this long (for history)
    bool fingerprint = false; // results carry the SHA-256 of the photo's bytes
    bool moderation = false;  // prepared photos keep what the moderation lane reads (the decode, the bytes)
};

// A photo to classify: a file, or bytes received from somewhere (clipboard, HTTP).
struct PhotoSource {
    QString name;          // shown in results ("file")
    QString path;          // read from disk when bytes is empty
    QByteArray bytes;

    static PhotoSource fromFile(const QString &path) { return {path, path, {}}; }
    static PhotoSource fromBytes(const QString &name, const QByteArray &bytes) { return {name, {}, bytes}; }
};

// The CPU stage's output: decoded, measured and turned into a model input.
struct PreparedPhoto {
    QString name;
    std::optional<Error> error;
    std::vector<float> tensor;
    PhotoQuality quality;
    DominantColour colour;
    QByteArray preview;
    QByteArray thumbnail;
    QString sha256;
    qint64 byteSize = 0;
    StageTimings timing;
    std::chrono::steady_clock::time_point started;
    // Faces found on the decode (photo pixels); blurred in preview and thumbnail.
    std::vector<QRect> faces;
    // For the moderation lane, when ClassifierOptions::moderation: the photo
    // as the model's decode saw it, and its bytes for a larger decode.
    LoadedImage decoded;
    QByteArray bytes;
};

// Photo in, suggestions out. prepare() is const and thread-safe; finish() runs
// one batched forward pass and may be called from any one thread at a time.
class Classifier {
public:
    static Result<std::unique_ptr<Classifier>> create(const ClassifierOptions &options);

    PreparedPhoto prepare(const PhotoSource &source) const;
    std::vector<Result<PhotoResult>> finish(std::vector<PreparedPhoto> batch);
    Result<PhotoResult> classify(const PhotoSource &source);

    // Earlier listings: price evidence, similar listings and duplicates (optional).
    void setListingIndex(std::shared_ptr<ListingIndex> index) { m_index = std::move(index); }
    const std::shared_ptr<ListingIndex> &listingIndex() const { return m_index; }

    // The market's category head (null: the built-in mapping alone). Refused,
    // keeping the one in use, when it was trained for other categories or
    // another model. Thread-safe: a running service swaps heads between photos.
    Result<bool> setHead(std::shared_ptr<const CategoryHead> head);
    std::shared_ptr<const CategoryHead> head() const;
    qint64 headVersion() const;
    // A head given as a file (ClassifierOptions::headPath) stays: the database's active head does not replace it.
    bool headPinned() const { return m_headPinned; }
    // The built-in mapping's calibrated distribution over the taxonomy's
    // categories for a stored embedding (unit length, and its length before
    // normalising): what training a head starts from. Empty when the model's
    // classifier layer could not be read.
    std::vector<double> builtinProbabilities(const float *embedding, double norm) const;

    // The same photo described as another category (a moderator's correction):
    // price, similar listings, title, description, hints and review redone
    // for categoryId. The category scores stay as the model gave them.
    // `self`: the photo's own stored listing, left out of the evidence (its
    // earlier decision is not evidence for its next one).
    Result<PhotoResult> describedAs(PhotoResult result, const QString &categoryId, qint64 self = 0) const;

    // Another version of the same model (a fine-tuned one, or back to the
    // shipped one): same input, classes and embedding size, else refused.
    // Thread-safe like setHead; a head trained for the model in use before is
    // dropped (the built-in mapping answers until a head for the new model
    // is set). Engines replaced stay alive with the classifier, so that the
    // references engineInfo() and manifest() handed out stay valid.
    Result<bool> setModel(std::unique_ptr<InferenceEngine> engine);

    ModelInfo modelInfo() const;
    const EngineInfo &engineInfo() const { return engine()->info(); }
    const ModelManifest &manifest() const { return engine()->manifest(); }
    const Taxonomy &taxonomy() const { return m_taxonomy; }
    const ImageLoader &loader() const { return m_loader; }
    int thumbnailSide() const { return m_thumbnailSide; }

private:
    Classifier(std::unique_ptr<InferenceEngine> engine, Taxonomy taxonomy, const ClassifierOptions &options);
    PhotoResult suggest(PreparedPhoto &photo, const float *probabilities, int classes,
                        const float *embedding, int embeddingDim) const;
    void describeAs(PhotoResult &result, const Category &category, const QString &colour, double colourShare, qint64 self = 0) const;

    std::shared_ptr<InferenceEngine> engine() const;

    mutable std::mutex m_engineMutex;
    std::shared_ptr<InferenceEngine> m_engine;
    std::vector<std::shared_ptr<InferenceEngine>> m_replaced;
    Taxonomy m_taxonomy;
    ImageLoader m_loader;
    QualityThresholds m_quality;
    int m_previewSide = 0;
    int m_thumbnailSide = 0;
    bool m_fingerprint = false;
    bool m_moderation = false;
    std::shared_ptr<const FaceDetector> m_faces; // with previews, thumbnails or moderation; null when its cascade is missing
    std::shared_ptr<ListingIndex> m_index;
    mutable std::mutex m_headMutex;
    std::shared_ptr<const CategoryHead> m_head;
    bool m_headPinned = false;
};

// Below this calibrated confidence in the top category a result says it needs review.
namespace Review {
inline constexpr double kBelow = 0.5;
}

} // namespace listinglens
