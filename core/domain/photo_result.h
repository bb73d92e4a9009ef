#pragma once

#include "moderation_result.h"
#include "photo_quality.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>
#include <vector>

namespace listinglens {

struct CategoryScore {
    QString id;
    QString name;
    double confidence = 0; // probability mass of the classes mapped to it
};

struct LabelScore {
    int index = 0;
    QString name;
    double probability = 0;
};

// None: no price, because the database's prices are in another currency than
// the taxonomy's sample prices and none is confirmed in it yet (never converted
// without a rate).
enum class PriceBasis { Neighbours, Category, Prior, None };
QString priceBasisName(PriceBasis basis); // "neighbours", "category", "prior", "none"
PriceBasis priceBasisFromName(const QString &name); // Prior for anything else

struct PriceSuggestion {
    QString currency;
    double low = 0;
    double point = 0;
    double high = 0;
    PriceBasis basis = PriceBasis::Prior;
    int neighbours = 0;    // listings the figure rests on (0 for the prior); None: the category's confirmed ones, too few

    // The suggested figure; none when there is no price yet (basis None),
    // which is never a price of 0 (a decision taking it stores no price).
    std::optional<double> figure() const
    {
        return basis == PriceBasis::None ? std::nullopt : std::optional<double>(point);
    }
};

struct StageTimings {
    double decode = 0;     // milliseconds
    double preprocess = 0; // resize/normalise, quality, colour
    double inference = 0;  // the forward pass of the batch the photo was in
    double total = 0;      // from starting to decode to the finished result
};

struct ModelInfo {
    QString name;
    QString version;
    QString device;
    qint64 head = 0;        // the category head's version; 0: the built-in mapping alone
    bool headFromFile = false; // a head given as a file (--head): its version is another database's, not recorded
};

// Whether a moderator should look before the suggestion is used, and why:
// "unsure_category" (the calibrated top category is below Review::kBelow),
// "outside_taxonomy" (it landed in the catch-all category), "duplicate",
// "poor_photo" (a quality flag).
struct ReviewAdvice {
    bool needed = false;
    QStringList reasons;
};
// The review reason of a photo whose text and faces were never read (the
// moderation lane failed on it, had no room for it, or its process stopped
// with it): a moderator looks at it instead.
inline constexpr const char *kNotModerated = "not_moderated";

struct SimilarListing {
    qint64 id = 0;          // prediction id in the store
    double similarity = 0;  // cosine
    QString categoryId;
    bool confirmed = false;
    std::optional<double> price; // confirmed price, when confirmed with one
    QString fileName;
    QString title;          // confirmed title, when confirmed
};

// A word of the suggested title and the evidence it came from: "photo_text"
// (read on the photo), "similar" (most close confirmed listings have it),
// "nearest" (the nearest confirmed listing's title, a near copy of the photo),
// "learned" (the market's word model: sellers write it for photos like this one),
// "market" (the word this market's sellers use most for the category),
// "label" (the model's label), "category" (the category's noun) or "colour".
struct TitleWord {
    QString word;
    QString from;
};

struct PhotoResult {
    QString file;
    CategoryScore category;
    QVector<CategoryScore> categories; // top 3
    // The whole distribution over the taxonomy's categories the head suggested
    // the photo with (its neighbours' votes as the index then stood); empty
    // without a head, and for a stored result read back. What the words read
    // later shift (Classifier::weighPhotoText): not one recomputed against an
    // index that has moved on since.
    std::vector<double> categoryMass;
    QVector<LabelScore> labels;        // top 5
    PriceSuggestion price;
    QString title;
    QString description;               // buyer-facing listing text
    QStringList hints;                 // what the seller should add or fix (not listing text)
    // The strongest evidence in the title (TitleWord::from, "colour" aside), and each word's.
    QString titleBasis = QStringLiteral("category");
    QVector<TitleWord> titleWords;
    ReviewAdvice review;
    QString colour;                    // dominant colour word, empty when unsure
    double colourShare = 0;            // of the item it covers; 0 when not known (a stored result read back)
    PhotoQuality quality;
    StageTimings timing;
    ModelInfo model;
    std::vector<float> embedding;      // L2-normalised; empty for models without one
    double embeddingNorm = 0;          // its length before normalising (the class logits need it)
    QByteArray thumbnail;              // JPEG, faces blurred, when its route stores results (RouteOptions::thumbnails)
    QString sha256;                    // of the photo's bytes, when its route fingerprints them (RouteOptions::fingerprint)
    qint64 byteSize = 0;
    QVector<SimilarListing> similar;   // nearest earlier listings, when a listing index is set
    qint64 duplicateOf = 0;            // an earlier stored photo this one duplicates (0: none)
    QString duplicateOfFile;
    PhotoModeration moderation;        // text, contacts, brands, faces: filled by the moderation lane
};

} // namespace listinglens

Q_DECLARE_METATYPE(listinglens::PhotoResult)
