#pragma once

#include "dominant_colour.h"
#include "category_head.h"
#include "error.h"
#include "inference_engine.h"
#include "listing_index.h"
#include "model_manifest.h"
#include "photo_quality.h"
#include "photo_result.h"
#include "price_suggester.h"
#include "taxonomy.h"

#include <QRect>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace listinglens {

struct ClassifierOptions {
    QString modelDir;      // empty: defaultModelDir()
    QString manifestPath;  // empty: the model directory's own, else the built-in one
    QString taxonomyPath;  // empty: the built-in taxonomy
    QString headPath;      // a category head file (`model export`); empty: none, or the database's active one
    EngineOptions engine;
    QualityThresholds quality;
};

// What suggesting needs of one decoded photo: the model's input and what the
// decode measured. A photo's route makes it (core/runtime's Preparer).
struct PreparedPhoto {
    QString name;
    std::optional<Error> error;
    std::vector<float> tensor;
    PhotoQuality quality;
    DominantColour colour;
    QString sha256;        // of the photo's bytes, when fingerprinted
    qint64 byteSize = 0;
    // Faces found while preparing (photo pixels), when no moderation lane
    // looks for them: the result is flagged person_in_photo.
    std::vector<QRect> faces;
    StageTimings timing;
    std::chrono::steady_clock::time_point started;
};

// Prepared photos in, suggestions out: the model's forward pass, the
// category (the built-in mapping or the market's head), the price, similar
// listings, title, description and review. finish() runs one batched forward
// pass and may be called from any one thread at a time; describedAs() and the
// head's setters are thread-safe. Decoding a photo and what happens to its
// result afterwards (storing it, reading its text) are its route's
// (core/runtime).
class Classifier {
public:
    static Result<std::unique_ptr<Classifier>> create(const ClassifierOptions &options);

    std::vector<Result<PhotoResult>> finish(std::vector<PreparedPhoto> batch);

    // Earlier listings: price evidence, similar listings and duplicates (optional).
    void setListingIndex(std::shared_ptr<ListingIndex> index) { m_index = std::move(index); }
    const std::shared_ptr<ListingIndex> &listingIndex() const { return m_index; }
    // How the listing index's sellers spell a word; empty without an index (completeModeration).
    SellersSpelling sellersSpelling() const;
    // Whether a category id is the taxonomy's catch-all (completeModeration).
    IsCatchAll isCatchAll() const;

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
    // `byModerator` (the default): a moderator chose the category, so the
    // title's words come from its listings only; false: described as the
    // suggestion itself would be for that category (each category the photo
    // may be in votes with its own closest listings).
    Result<PhotoResult> describedAs(PhotoResult result, const QString &categoryId, qint64 self = 0, bool byModerator = true) const;

    // The photo's categories weighed again with the words read on it (the
    // head's TextEvidence), before the lane's findings complete it: its
    // categories, and what was described for its top one (describedAs, as
    // suggested), redone. False, the result untouched, where the head in use
    // has no table or did not suggest the photo, or no word read is known.
    // `self`: the photo's row when it is stored and indexed already, left out
    // of its neighbours, similar listings, duplicates and words.
    bool weighPhotoText(PhotoResult &result, const PhotoText &text, qint64 self = 0) const;

    // The photo's categories computed again from its embedding: the built-in
    // mapping's distribution, and where `head` fits it, the head's with its
    // closest listings' votes (`self` left out of them). What weighPhotoText
    // shifts for a result whose distribution was not kept (read back from the
    // store), and what the benches measure.
    std::vector<double> categoryMassOf(const CategoryHead *head, const std::vector<float> &embedding, double norm, qint64 self = 0) const;

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
    // The categories of the embedding's closest confirmed listings in the
    // listing index, as the head mixes them in (empty: no votes, or no index);
    // `exclude`: a listing that does not vote (the photo's own row).
    std::vector<double> neighbourVotes(const CategoryHead &head, const std::vector<float> &embedding, qint64 exclude = 0) const;
    const QualityThresholds &qualityThresholds() const { return m_quality; }
    // The categories whose title voters a lookup for the result should bring
    // (every suggested one; of the catch-all, its listings and not its words):
    // pass to ListingIndex::lookup.
    ListingIndex::Want voters(const PhotoResult &result) const;
    // The result's suggested categories with their title voters from `lookup`
    // (asked for with voters()): each one's closest confirmed listings, and its
    // sellers' most used words except the catch-all's, which say nothing of the
    // item (TitleEvidence::categoryWords).
    QVector<CategoryWords> categoryWords(const PhotoResult &result, const ListingIndex::Lookup &lookup) const;
    // The head's word model's words for the photo at least kLearnedFloor
    // likely that the category's sellers write, as they spell them.
    QVector<MarketWord> learnedWords(const PhotoResult &result, const Category &category) const;
    static constexpr double kLearnedFloor = 0.02;

private:
    Classifier(std::unique_ptr<InferenceEngine> engine, Taxonomy taxonomy, const ClassifierOptions &options);
    PhotoResult suggest(PreparedPhoto &photo, const float *probabilities, int classes,
                        const float *embedding, int embeddingDim) const;
    // `byModerator`: the category is a moderator's, so the title's words come from
    // its listings only, never from the closest listings of other categories.
    // `scores`: the photo's similarities to the index's listings, when computed already.
    // `suggesting`: the photo's first description, which looks for the earlier photo it
    // duplicates; described again later (another category, the words read on it), it keeps
    // that one, since the index holds photos classified after it by then.
    void describeAs(PhotoResult &result, const Category &category, const QString &colour, double colourShare, qint64 self = 0,
                    bool byModerator = false, const ListingIndex::Scores *scores = nullptr, bool suggesting = false) const;


    std::shared_ptr<InferenceEngine> engine() const;

    mutable std::mutex m_engineMutex;
    std::shared_ptr<InferenceEngine> m_engine;
    std::vector<std::shared_ptr<InferenceEngine>> m_replaced;
    Taxonomy m_taxonomy;
    QualityThresholds m_quality;
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
