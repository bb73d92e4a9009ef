#pragma once

#include "error.h"
#include "prediction_store.h"

#include <QHash>
#include <QList>
#include <QStringList>

#include <optional>
#include <vector>

namespace listinglens {

// The stored predictions as the history views read them: pages of rows
// (keyset pagination, so that a page deep in a million rows is as quick as
// the first), one prediction in full, thumbnails.

struct HistoryFilter {
    qint64 sinceMs = 0;                     // 0: no bound
    qint64 untilMs = 0;
    QString categoryId;
    QString feedback;                       // "", none, accepted, corrected
    double minConfidence = -1;
    double maxConfidence = -1;
    QString modelVersion;
    QString qualityFlag;                    // blurry, too_dark, ...
    QString text;                           // in title or description
    QString finalCategoryId;                // confirmed category (quality page drill-down)
    bool needsReview = false;               // only results with a reason to review them
    std::optional<qint64> headVersion;      // made with this category head; 0: the built-in mapping
    bool oldestFirst = false;
};

// A head as the history filters take it: "builtin" (or "built-in") is 0,
// "h3" or "3" is 3; nullopt for anything else.
std::optional<qint64> parseHeadFilter(const QString &text);

struct HistoryCursor {
    qint64 createdMs = 0;
    qint64 id = 0;
};

struct HistoryRow {
    qint64 id = 0;
    qint64 createdMs = 0;
    QString source;
    QString fileName;
    bool ok = true;
    QString errorCode;
    QString categoryId;
    double confidence = 0;
    QString title;
    QString currency;
    double pricePoint = 0;
    QString feedback;
    QString finalCategoryId;
    double finalPrice = 0;
    QString modelVersion;
    QStringList flags;
    double totalMs = 0;
    QStringList review;                     // why it needs review; empty: it does not
    qint64 headVersion = 0;                 // 0: made with the built-in mapping
};

// Everything stored about one prediction, with its feedback (history detail).
struct PredictionDetail {
    HistoryRow row;
    QString description;
    QString sha256;
    qint64 byteSize = 0;
    int width = 0, height = 0;
    QString categoriesJson;
    QString labelsJson;
    QString errorMessage;
    QString priceBasis;
    double priceLow = 0, priceHigh = 0;
    struct Feedback {
        qint64 createdMs = 0;
        QString moderator, decision, categoryId, currency, title;
        double price = 0;
    };
    QList<Feedback> feedback;
};

// Newest first (or oldest, see the filter), `limit` rows after `after`.
Result<std::vector<HistoryRow>> readHistory(PredictionStore &store, const HistoryFilter &filter, std::optional<HistoryCursor> after,
                                            int limit);
// NotFound when there is no such prediction.
Result<PredictionDetail> readDetail(PredictionStore &store, qint64 predictionId);
Result<QHash<qint64, QByteArray>> readThumbnails(PredictionStore &store, const QList<qint64> &predictionIds);

} // namespace listinglens
