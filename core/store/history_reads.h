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
    QString text;                           // in the suggested or the confirmed title or description
    QString origin;                         // "", moderator (decided by one), import (an imported listing)
    QString finalCategoryId;                // confirmed category (the Confirmed filter, which the quality page sets)
    bool needsReview = false;               // only results with a reason to review them
    std::optional<qint64> headVersion;      // made with this category head; 0: the built-in mapping
    bool oldestFirst = false;
};

// The decision filter as people name it: "" (any), none, accepted or
// corrected (by a moderator), imported (an imported listing); false for anything else.
bool setDecisionFilter(HistoryFilter &filter, const QString &state);

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
    // The suggestion (category, title, description, currency and prices) and,
    // apart, the standing decision (feedback and the final values).
    QString categoryId;
    double confidence = 0;
    QString title;                          // suggested
    QString titleBasis;                     // the suggested title's strongest evidence
    QVector<TitleWord> titleWords;          // each suggested word's evidence (empty: stored before it was kept)
    QString description;                    // suggested
    QString currency;
    double pricePoint = 0;
    double priceLow = 0, priceHigh = 0;
    QString priceBasis;                     // neighbours, category, prior
    QString feedback;                       // the standing decision: none, accepted, corrected
    QString finalCategoryId;
    std::optional<double> finalPrice;       // none: no decision, or one without a price
    QString finalTitle;                     // empty: no decision, or one that kept no title
    QString finalDescription;               // of the standing decision
    QString finalCurrency;                  // of the standing decision's price
    QString origin;                         // moderator, import (an imported listing); empty: no decision
    QString decidedBy;                      // moderator of the standing decision (newest not undone)
    qint64 decidedMs = 0;                   // 0: no standing decision
    QString modelVersion;
    QStringList flags;
    double totalMs = 0;
    QStringList review;                     // why it needs review; empty: it does not
    qint64 headVersion = 0;                 // 0: made with the built-in mapping

    // What the listing says now: the decision's title when there is one, else the suggestion's.
    QString shownTitle() const { return finalTitle.isEmpty() ? title : finalTitle; }
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
    struct Feedback {
        qint64 createdMs = 0;
        QString moderator, decision, categoryId, currency, title;
        std::optional<double> price;        // none: the decision had no price
        QString description;
        qint64 undoneMs = 0;                // 0: it stands (or was replaced by a newer one)
        QString undoneBy;
    };
    QList<Feedback> feedback;               // oldest first, undone ones included
};

// Newest first (or oldest, see the filter), `limit` rows after `after`.
Result<std::vector<HistoryRow>> readHistory(PredictionStore &store, const HistoryFilter &filter, std::optional<HistoryCursor> after,
                                            int limit);
// NotFound when there is no such prediction.
Result<PredictionDetail> readDetail(PredictionStore &store, qint64 predictionId);
// How many rows match, counting no further than `cap` (a count past it is
// returned as cap + 1: "more than cap"), so that a loose filter over a
// million rows costs a bounded index scan.
Result<qint64> countHistory(PredictionStore &store, const HistoryFilter &filter, qint64 cap);
Result<QHash<qint64, QByteArray>> readThumbnails(PredictionStore &store, const QList<qint64> &predictionIds);

// The history as CSV, the same for every export: the header, then one line per row.
QByteArray historyCsvHeader();
QByteArray historyCsvLine(const HistoryRow &row);

} // namespace listinglens
