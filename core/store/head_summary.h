#pragma once

#include <QString>

#include <limits>

namespace listinglens {

// One stored version of a market's category head, as `model list` and the
// Quality page show it (head_store.h reads it). A header of its own so that
// the window's headers can carry it without the classifier's.
struct HeadSummary {
    qint64 version = 0;
    qint64 createdMs = 0;
    QString modelName;
    QString modelVersion;
    QString taxonomy;
    int examples = 0;
    int validationN = 0;
    double top1 = 0, top3 = 0;            // on the validation split
    double ece = std::numeric_limits<double>::quiet_NaN(); // NaN: not measured (eceText, eceJson)
    bool active = false;
};

} // namespace listinglens
