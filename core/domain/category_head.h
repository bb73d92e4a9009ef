#pragma once

#include "error.h"
#include "taxonomy.h"
#include "text_evidence.h"
#include "word_model.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace listinglens {

// A category head learned from a market's confirmed listings (learn/head_trainer.h
// trains one; store/head_store.h keeps its versions). It turns a photo's
// embedding and the built-in mapping's calibrated distribution into the
// market's categories:
//
//   head     = softmax((W e + b) / headTemperature), over the categories it learned
//   votes    = the categories of the photo's neighbourK closest confirmed
//              listings, weighted by similarity^neighbourPower (neighbour_votes.h);
//              the head's own distribution where there are none
//   mixture  = (1 - builtinShare - neighbourShare) * head + builtinShare * builtin
//              + neighbourShare * votes
//   p        = mixture^(1/temperature), normalised (unvotedTemperature where
//              the head stands in for votes: the votes sharpen the mixture)
//   gate     = how alike the photo is to the photos the head learned from (support, below)
//   result   = gate * p + (1 - gate) * builtin
//
// A category with too few confirmed examples to learn is left out of the head
// (its bias is kLeftOut) and keeps only the built-in mapping's share; a
// category no model class maps to is learned from examples alone.
//
// The gate keeps the built-in mapping where the head has learned nothing: a
// photo unlike every learned category's training photos (its largest cosine
// similarity to their anchors, k-means centres of their embeddings, is at or
// below supportNone) gets the built-in mapping's answer exactly; one at or
// above supportFull gets the head's; in between, a straight-line blend. A
// head without anchors (format 1) always gets its own answer.
struct CategoryHead {
    static constexpr float kLeftOut = -1e30f;
    static constexpr const char *kFormat = "listinglens-head/2";
    static constexpr const char *kFormatWithoutGate = "listinglens-head/1";

    qint64 version = 0;            // 0 until stored
    qint64 createdMs = 0;
    QString modelName;             // whose embeddings it was trained on
    QString modelVersion;
    QString taxonomyFingerprint;   // Taxonomy::fingerprint() of the categories it was trained for
    QStringList categoryIds;       // rows of weight, in the taxonomy's order
    int dimension = 0;
    std::vector<float> weight;     // categories x dimension
    std::vector<float> bias;       // categories; kLeftOut where left to the built-in mapping
    double headTemperature = 1;
    double builtinShare = 0;
    double temperature = 1;
    int neighbourK = 0;            // closest confirmed listings that vote; 0: no neighbour votes
    double neighbourPower = 1;
    double neighbourShare = 0;
    double unvotedTemperature = 1; // the mixture's temperature where no confirmed listing votes
    std::vector<float> anchors;    // anchor count x dimension, unit length; empty: no gate
    double supportNone = 0;        // gate 0 at or below this similarity
    double supportFull = 0;        // gate 1 at or above it
    QJsonObject report;            // what training measured (model train --json)
    // The title words sellers of the market write for a photo, learned with
    // the head and versioned with it; absent in heads trained before, or
    // where too few titled listings were confirmed.
    std::optional<WordModel> words;
    // What the words read on a photo say of its category (text_evidence.h),
    // learned with the head; absent in heads trained before, or where the
    // photos' text did not help on the head's validation split.
    std::optional<TextEvidence> textEvidence;

    int categories() const { return int(categoryIds.size()); }
    bool learned(int category) const { return bias[std::size_t(category)] > kLeftOut / 2; }

    // The distribution over categoryIds for a unit-length embedding, the
    // built-in mapping's calibrated distribution over the same categories and
    // the neighbours' votes (neighbourVotes() of the photo's neighbourK closest
    // confirmed listings of the same model version; empty: none).
    std::vector<double> probabilities(const float *embedding, const std::vector<double> &builtin,
                                      const std::vector<double> &votes = {}) const;
    bool usesNeighbours() const { return neighbourK > 0 && neighbourShare > 0; }
    // W e + b per category (kLeftOut where left out).
    std::vector<double> headLogits(const float *embedding) const;
    // The largest cosine similarity of a unit-length embedding to an anchor (1 without anchors).
    double support(const float *embedding) const;
    // The share the head has of the answer for that support, in [0, 1].
    double gate(double support) const;
    int anchorCount() const { return dimension > 0 ? int(anchors.size() / std::size_t(dimension)) : 0; }

    // Refuses a head trained for other categories or another model's embeddings.
    Result<bool> checkFits(const Taxonomy &taxonomy, const QString &modelName, const QString &modelVersion, int dimension) const;

    // One self-describing JSON document (weights as base64 float32, little-endian):
    // the database keeps it and `model export` writes it.
    QByteArray toJson() const;
    static Result<CategoryHead> fromJson(const QByteArray &json);
    static Result<CategoryHead> fromFile(const QString &path);

    QString label() const; // "h3" (or "file" for one not stored)
};

// Softmax of logits / temperature, in place; left-out entries get 0.
void softmaxInPlace(std::vector<double> &logits, double temperature = 1.0);

} // namespace listinglens
