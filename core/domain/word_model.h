#pragma once

#include "error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// The probability that each word of a market's title vocabulary is in the
// title a seller writes for a photo, from the photo's embedding: one logistic
// output per word that enough of the market's sellers use, learned with the
// category head from the confirmed listings' embeddings and titles
// (learn/word_trainer.h), stored and versioned inside the head's document.
//
//   p(word) = sigmoid(scale * (w_word . e + b_word) + shift)
//
// scale and shift are one calibration for all words, fitted on the head's
// validation split. It says nothing of the category: a correction of the
// category keeps only the words the new category's sellers write (Classifier).
struct WordModel {
    static constexpr const char *kFormat = "listinglens-words/1";

    QStringList keys;          // wordKey (title_words.h) of each word
    QStringList spellings;     // as most of its sellers spell it
    std::vector<float> places; // mean relative place in its titles (0 first .. 1 last)
    int dimension = 0;
    std::vector<float> weight; // words x dimension
    std::vector<float> bias;   // words
    double scale = 1, shift = 0;
    QJsonObject report;        // what training measured

    int words() const { return int(keys.size()); }
    // p(word) for each word, for a unit-length embedding of `dimension` values.
    std::vector<double> probabilities(const float *embedding) const;

    QJsonObject toJson() const;
    // Refuses a damaged document, or one for embeddings of another length.
    static Result<WordModel> fromJson(const QJsonObject &json, int dimension);
};

} // namespace listinglens
