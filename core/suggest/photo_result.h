#pragma once

#include "photo_quality.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QVector>

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

enum class PriceBasis { Neighbours, Category, Prior };
QString priceBasisName(PriceBasis basis); // "neighbours", "category", "prior"
PriceBasis priceBasisFromName(const QString &name); // Prior for anything else

struct PriceSuggestion {
    QString currency;
    double low = 0;
    double point = 0;
    double high = 0;
    PriceBasis basis = PriceBasis::Prior;
    int neighbours = 0;    // listings the figure rests on (0 for the prior)
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
};

struct SimilarListing {
    qint64 id = 0;          // prediction id in the store
    double similarity = 0;  // cosine
    QString categoryId;
    bool confirmed = false;
    double price = 0;       // confirmed price, when confirmed
    QString fileName;
};

struct PhotoResult {
    QString file;
    CategoryScore category;
    QVector<CategoryScore> categories; // top 3
    QVector<LabelScore> labels;        // top 5
    PriceSuggestion price;
    QString title;
    QString description;
    QString colour;                    // dominant colour word, empty when unsure
    PhotoQuality quality;
    StageTimings timing;
    ModelInfo model;
    std::vector<float> embedding;      // L2-normalised; empty for models without one
    QByteArray preview;                // JPEG, when ClassifierOptions::previewSide asks for one
    QByteArray thumbnail;              // JPEG, when ClassifierOptions::thumbnailSide asks for one
    QString sha256;                    // of the photo's bytes, when ClassifierOptions::fingerprint
    qint64 byteSize = 0;
    QVector<SimilarListing> similar;   // nearest earlier listings, when a listing index is set
    qint64 duplicateOf = 0;            // an earlier stored photo this one duplicates (0: none)
    QString duplicateOfFile;
};

} // namespace listinglens

Q_DECLARE_METATYPE(listinglens::PhotoResult)
