#pragma once

#include "error.h"
#include "image_loader.h"
#include "inference_engine.h"
#include "prediction_store.h"

#include <QJsonObject>

#include <functional>

namespace listinglens {

// The confirmed listings a model version has no embedding of (classified by
// another version, confirmed after it was fine-tuned) embedded by it: each
// photo read again from the path it was imported or classified from, run
// through the version's engine as the route runs a photo, and stored for the
// version (listing_embeddings.h), so that its listing index, similar listings
// and its head's neighbours' votes cover the whole market, never mixing two
// versions' embeddings. Bounded (at most maxListings a run, the oldest first;
// the rest are counted as left), cancellable between batches, and reported.
struct ListingEmbedderOptions {
    int maxListings = 20'000;
    int batch = 16;
    LoadLimits limits;                            // targetShortSide is set to the model's
    std::function<bool()> cancelled;              // asked before each batch (may be empty)
    std::function<void(int done, int of)> progress; // after each batch (may be empty)
};

struct EmbeddedListings {
    int embedded = 0;
    int missingPhoto = 0; // the photo file is gone
    int unreadable = 0;   // it could not be decoded
    int left = 0;         // beyond maxListings, or not reached when cancelled
    bool cancelled = false;
    QJsonObject json() const;
};

Result<EmbeddedListings> embedConfirmedListings(PredictionStore &store, InferenceEngine &engine, const ListingEmbedderOptions &options = {});

} // namespace listinglens
