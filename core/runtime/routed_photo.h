#pragma once

#include "classifier.h"
#include "moderation_lane.h"
#include "photo_result.h"
#include "prediction_store.h"

#include <QByteArray>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <memory>
#include <optional>

namespace listinglens {

// One photo on its route, the package each stage adds to (digiKam's
// FacePipeline passes one the same way): prepared, then suggested, then
// recorded, then completed by the moderation lane. It moves from stage to
// stage and is never copied, so the result's embedding and the decode travel
// once.
struct RoutedPhoto {
    int index = 0;               // in its request (Route::run's sources)
    QString name;                // PhotoSource::name: the file, or what the photo is called
    QString key;                 // whose photo (PhotoSource::key)
    qint64 tag = 0;              // the caller's name for it (PhotoSource::tag)
    qint64 sequence = 0;         // photos the route took before it (the order of completion reports)
    PreparedPhoto prepared;      // prepare -> infer; emptied by infer
    // The suggestion or why there is none; Cancelled until the photo is processed.
    Result<PhotoResult> outcome = Error{ErrorCode::Cancelled, QStringLiteral("cancelled before it was processed")};
    cv::Mat preview;             // RouteOptions::previewSide > 0: the photo as it is (BGR), for a window
    QByteArray thumbnail;        // the stored thumbnail when no lane makes it (faces blurred)
    ModerationInput lane;        // what the moderation lane reads; emptied when it is handed over
    qint64 predictionId = 0;     // its row, once the record stage stored it (0: not stored)
    std::shared_ptr<PredictionStore> storedIn; // the store that row is in
    std::optional<Error> notRecorded; // why the record stage could not store it

    bool ok() const { return outcome.ok(); }
    PhotoResult &result() { return outcome.value(); }
    const PhotoResult &result() const { return outcome.value(); }
};

} // namespace listinglens
