#pragma once

#include "classifier.h"
#include "prediction_store.h"
#include "record_stage.h"

#include <functional>
#include <optional>

namespace listinglens {

// The record stage on a PredictionStore (classify, import, the window): each
// outcome stored with recordOutcome() and added to the classifier's listing
// index, on the route's thread; the row completed with what the lane read.
class StoreRecorder : public RecordStage {
public:
    // `source`: what the rows say they came from (cli, import, gui).
    // `failures`: photos that failed are stored too (history shows them); import stores only listings.
    StoreRecorder(std::shared_ptr<PredictionStore> store, Classifier &classifier, QString source, bool failures = true)
        : m_store(std::move(store)), m_classifier(classifier), m_source(std::move(source)), m_failures(failures) {}

    // What a photo is confirmed as, stored with its prediction in one
    // transaction (import: the catalogue's category, price and title), so
    // that a listing is stored whole or not at all; nullopt: a suggestion only.
    using Confirmation = std::function<std::optional<FeedbackRecord>(const RoutedPhoto &)>;
    void confirmWith(Confirmation confirm) { m_confirm = std::move(confirm); }

    void record(RoutedPhoto photo, Resume resume) override;
    void complete(const RoutedPhoto &photo) override;
    void hold(const std::vector<qint64> &rows) override;

    const std::shared_ptr<PredictionStore> &store() const { return m_store; }

private:
    // The photo's row (and its confirmation), added to the listing index.
    Result<qint64> store(const RoutedPhoto &photo);

    std::shared_ptr<PredictionStore> m_store;
    Classifier &m_classifier;
    QString m_source;
    bool m_failures = true;
    Confirmation m_confirm;
};

// What the lane read (or that it could not read the photo), written to the
// photo's row in photo.storedIn; a failure is logged (the row keeps its
// pending state, and its hold runs out for the stale sweep).
void writeModeration(const RoutedPhoto &photo);

} // namespace listinglens
