#pragma once

#include "photo_result.h"
#include "taxonomy.h"

#include <QVector>

#include <functional>

namespace listinglens {

// A confirmed listing close to the photo, whose title may name it.
struct NeighbourTitle {
    QString title;
    double similarity = 0; // cosine
};

// Similar listings shown with a result: confirmed ones at least this alike
// (cosine). Only words of those are credited to "similar listings". Measured
// on held-out marketplace listings (docs/user/suggestions.md, `listinglens-bench titles`).
inline constexpr double kSimilarFloor = 0.65;

// A word this market's sellers use in the titles of a category, the share
// of the category's confirmed titles that have it, and where they write it.
struct MarketWord {
    QString word;
    double share = 0;
    double place = -1; // mean relative place in those titles (0 first .. 1 last); -1 unknown
    // How many of the titles have it (0 unknown): a word of one title is one
    // seller's, however large its share of a category of two or three listings.
    int titles = 0;
    // The share of those titles that write it just after a number ("50 cm").
    double afterNumber = 0;
};

// A category the photo may be in, with how probable, its sellers' words, and
// its confirmed listings closest to the photo.
struct CategoryWords {
    double probability = 0;
    QVector<MarketWord> words;      // most used first
    QVector<NeighbourTitle> nearby; // the category's confirmed listings with titles, most similar first
};

// What a title may rest on, before the photo's text is read (applyPhotoText adds that).
struct TitleEvidence {
    const Category *category = nullptr;
    LabelScore label;                   // the model's top label, in listing words
    LabelScore itemLabel;               // the most probable label of a category that names an item (not the catch-all's)
    bool labelInCategory = false;
    QString colour;
    double colourShare = 0;
    QVector<NeighbourTitle> neighbours; // confirmed, same category, most similar first
    // How the title's words are voted (WordVote). false: the category is given
    // (a moderator chose it): `nearby`, its closest listings with titles, vote,
    // with `marketWords`. true: as suggested, each of `categoryWords` votes with
    // its own listings and words, and where none has any, no listing votes.
    bool suggested = false;
    QVector<NeighbourTitle> nearby;     // confirmed, the given category's, most similar first
    QVector<MarketWord> marketWords;    // the category's, most used first
    // The categories the photo may be in (the suggested ones with their probabilities).
    QVector<CategoryWords> categoryWords;
    // The market's word model's words for the photo (WordModel): share is the
    // probability that the seller's title has the word; empty without one.
    QVector<MarketWord> learnedWords;
};

// Titles that name what the item is in the words of this market's sellers,
// and nothing that is not known. Without the photo's text, in order:
//  - the nearest confirmed listing's whole title, when it is a near copy of the photo;
//  - the words most of the close confirmed listings agree on, each a whole word
//    of their titles (never a run cut from one title), in the order sellers
//    write them (their mean place in those titles);
//  - the word this market's sellers use most for the category;
//  - the model's label, when it is confident and belongs to the category, else
//    the category's noun; either with a colour only when it covers most of the item.
class TitleBuilder {
public:
    static constexpr double kNearCopy = 0.8;       // the nearest listing's title as it is
    static constexpr double kCloseListing = 0.55;  // a listing whose title words count
    static constexpr int kCloseListings = 5;       // the most similar ones counted
    static constexpr int kMinCloseListings = 2;
    static constexpr double kAgreement = 0.5;      // a word in more than this share of them
    static constexpr int kMaxWords = 5;            // the most a title holds, as WordVote::kMaxWords
    static constexpr double kMarketWord = 0.1;     // a category word in at least this share of its titles
    static constexpr double kConfidentLabel = 0.5;
    static constexpr double kItemLabel = 0.05;     // a label of an item's category names a catch-all photo's item
    static constexpr double kObjectColour = 0.45;  // a colour this dominant is the item's

    static QVector<TitleWord> words(const TitleEvidence &evidence);
    // The words most of `titles` agree on, in their sellers' order (TitleWord::from "similar").
    static QVector<TitleWord> agreedWords(const QStringList &titles);
    static QString render(const QVector<TitleWord> &words);
    // The strongest evidence among the words ("category" when there are none).
    static QString basisOf(const QVector<TitleWord> &words);
};

// How this market's sellers spell a word (its wordKey) in their confirmed
// titles of a category; empty when none writes it (ListingIndex::sellersSpelling).
using SellersSpelling = std::function<QString(const QString &key, const QString &categoryId)>;

// Whether a category is the taxonomy's catch-all, whose sellers write every
// kind of item's words (Classifier::isCatchAll); empty: none is.
using IsCatchAll = std::function<bool(const QString &categoryId)>;

// The words read on the photo that name something this market's sellers of
// one of `categoryIds` write in their titles ("generator", "juicer", "Xbox"), in
// reading order, as the first of those categories whose sellers write it spell
// them: whole words of at least kMinReadLetters
// characters with a letter, on legible lines (confidence kReadConfidence or
// more) that are no contact details or stock marks, at most kMaxReadWords,
// none already in `already`, no brand the lane found (brandFor decides those),
// none of the few that name nothing ("you", "all").
QVector<TitleWord> wordsSellersWrite(const PhotoText &text, const QStringList &categoryIds, const QVector<TitleWord> &already,
                                     const SellersSpelling &sellers);
constexpr double kReadConfidence = 0.5;
constexpr int kMinReadLetters = 3;
constexpr int kMaxReadWords = 4;

// The result's title redone with what the lane read on the photo: a brand that
// fits the category (brandFor) goes first, with a model read on the brand's own
// line after it, then the words read that sellers write (wordsSellersWrite,
// when `sellers` is given), and a colour guess gives way to a brand. Words from
// an earlier reading are dropped first, so calling it again (or after a
// correction of the category) never stacks them. Sets title, titleWords and titleBasis.
// As suggested, the read words that sellers of any of the photo's probable
// categories (`result.categories`) write count, as the title's vote counts
// each one's listings: the category is wrong for about 4 in 10 photos, and a
// word read on the item that the sellers of the second or third category
// write is the seller's about a third of the time (docs/user/suggestions.md).
// A catch-all (`isCatchAll`) counts only as the photo's own category: its
// sellers write every kind of item's words, as Classifier::categoryWords
// drops them. `categoryChosen` (a moderator decided it): only that category's
// sellers' words, so a correction drops the others.
void applyPhotoText(PhotoResult &result, const SellersSpelling &sellers = {}, bool categoryChosen = false,
                    const IsCatchAll &isCatchAll = {});

// The titles of the result's similar listings that are confirmed in its category.
QStringList similarTitles(const PhotoResult &result);

// Buyer-facing text of what is known: the title, the brand and model read on
// the photo, the photo's legible text (never its contact details or stock
// marks), the condition words the close confirmed listings use, and the
// category it is listed in (`listedIn`; empty for the catch-all).
QString listingDescription(const QString &title, const QVector<TitleWord> &words, const QStringList &similarTitles,
                           const PhotoText *text, const QString &listedIn);

// The result's title and description redone with what the lane read on the
// photo (applyPhotoText, then listingDescription), the category it is listed
// in kept as the description named it; `categoryChosen` and `isCatchAll` as applyPhotoText.
void describeWithPhotoText(PhotoResult &result, const SellersSpelling &sellers = {}, bool categoryChosen = false,
                           const IsCatchAll &isCatchAll = {});

} // namespace listinglens
