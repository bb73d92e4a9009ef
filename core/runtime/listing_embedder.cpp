#include "listing_embedder.h"

#include "listing_embeddings.h"
#include "preprocessor.h"

#include <QFileInfo>

namespace listinglens {

QJsonObject EmbeddedListings::json() const
{
    return {{QStringLiteral("embedded"), embedded}, {QStringLiteral("missing_photo"), missingPhoto},
            {QStringLiteral("unreadable"), unreadable}, {QStringLiteral("left"), left}, {QStringLiteral("cancelled"), cancelled}};
}

Result<EmbeddedListings> embedConfirmedListings(PredictionStore &store, InferenceEngine &engine, const ListingEmbedderOptions &o)
{
    const ModelManifest &manifest = engine.manifest();
    auto pending = unembeddedListings(store, manifest.version, o.maxListings);
    if (!pending)
        return pending.error();
    const std::vector<UnembeddedListing> &rows = pending.value().first;
    EmbeddedListings out;
    LoadLimits limits = o.limits;
    limits.targetShortSide = manifest.preprocess.resizeShorter; // as the route's Preparer decodes for the model
    const ImageLoader loader(limits);
    const int batch = std::max(1, o.batch);
    std::size_t next = 0;
    while (next < rows.size()) {
        if (o.cancelled && o.cancelled()) {
            out.cancelled = true;
            break;
        }
        std::vector<float> input;
        std::vector<qint64> ids;
        for (; next < rows.size() && int(ids.size()) < batch; ++next) {
            if (!QFileInfo(rows[next].fileName).isFile()) {
                ++out.missingPhoto;
                continue;
            }
            auto image = loader.loadFile(rows[next].fileName);
            if (!image) {
                ++out.unreadable;
                continue;
            }
            const std::vector<float> tensor = preprocess(image.value().bgr, manifest.preprocess);
            input.insert(input.end(), tensor.begin(), tensor.end());
            ids.push_back(rows[next].predictionId);
        }
        if (ids.empty())
            continue;
        auto ran = engine.run(input.data(), int(ids.size()));
        if (!ran)
            return ran.error();
        const EngineOutput &e = ran.value();
        if (e.embeddingDim == 0)
            return Error{ErrorCode::InvalidArgument, QStringLiteral("the model %1 gives no embedding to compare listings by").arg(manifest.version)};
        std::vector<ListingEmbedding> embedded;
        for (std::size_t i = 0; i < ids.size(); ++i)
            embedded.push_back({ids[i], std::vector<float>(e.embeddings.begin() + std::ptrdiff_t(i) * e.embeddingDim,
                                                           e.embeddings.begin() + std::ptrdiff_t(i + 1) * e.embeddingDim)});
        // Stored a batch at a time: a cancelled or failed run keeps what it embedded.
        auto saved = saveListingEmbeddings(store, manifest.version, embedded);
        if (!saved)
            return saved.error();
        out.embedded += saved.value();
        if (o.progress)
            o.progress(int(next), int(rows.size()));
    }
    out.left = pending.value().second - out.embedded - out.missingPhoto - out.unreadable;
    return out;
}

} // namespace listinglens
