#pragma once

#include "error.h"
#include "photo_result.h"
#include "price_suggester.h"
#include "title_builder.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

namespace listinglens {

// The categories whose title voters a ListingIndex lookup also gives, from the
// same pass (outside the class: a default argument there).
struct TitleVotersWanted {
    QStringList categories;
    int words = 10; // each one's most used title words
    // Of `categories`, those whose closest listings are wanted but not their
    // words (a catch-all's: its sellers write every kind of item's).
    QStringList nearbyOnly;
};

// Earlier listings in memory for similarity search, price evidence and
// duplicate detection. Exhaustive (exact) search over every listing; the
// unit-length embeddings are kept as int8 with a per-vector scale, because a
// query reads every code and, with int8_scores.h's few instructions a code, is
// bound by memory (float32 at 100,000 x 1280 is 512 MB a query; int8 is a
// quarter of that); similarities stay within about 0.01.
// Thread-safe (readers share, writers exclude). Filled from the store by
// store/listing_index_store.h; this layer knows no database.
class ListingIndex {
public:
    struct Entry {
        qint64 id = 0;              // prediction id in the store
        QString categoryId;         // confirmed category when confirmed, else suggested
        bool confirmed = false;     // a moderator accepted or corrected it
        std::optional<double> price; // confirmed price (when confirmed and the decision has one)
        std::uint64_t phash = 0;
        QString fileName;
        QString title;              // confirmed title (when confirmed)
    };
    struct Match {
        Entry entry;
        double similarity = 0;      // cosine
    };

    static constexpr int kNeighbours = 10;
    static constexpr int kMarketWords = 10; // the category's most used title words a lookup gives
    static constexpr double kMinSimilarity = 0.5; // a neighbour less alike than this is no evidence
    // Similar listings shown: confirmed ones at least this alike (title_builder.h).
    static constexpr double kSimilarFloor = listinglens::kSimilarFloor;

    explicit ListingIndex(int dimension) : m_dim(dimension) {}

    int dimension() const { return m_dim; }
    // The currency of the confirmed prices (the store's); empty: the taxonomy's. Set before sharing the index.
    void setCurrency(const QString &currency) { m_currency = currency; }
    std::size_t size() const;
    // The listings in the history and those a moderator accepted or corrected, `exclude`
    // (the photo shown, 0: none) left out of both, read together as the index stands.
    struct Counts {
        std::size_t listings = 0;
        std::size_t confirmed = 0;
    };
    Counts counts(qint64 exclude = 0) const;

    void add(const Entry &entry, const std::vector<float> &embedding); // ignored when the id is here already
    void addResult(qint64 id, const PhotoResult &result, const QString &file);
    bool contains(qint64 id) const;
    void confirm(qint64 id, const QString &categoryId, std::optional<double> price, const QString &title = {});
    // A confirmation taken back (the moderator's decision undone): the listing is
    // unconfirmed again, in its suggested category. Nothing when the id is not here.
    void unconfirm(qint64 id, const QString &suggestedCategoryId);

    // The words sellers use most in the category's confirmed titles (keys as
    // title_words.h compares them, each in its most used spelling), most used first.
    // `exclude`: a listing whose title is not counted in the shares, the titles
    // with a word nor those writing it after a number (a stored photo described
    // again); its spellings and places still are.
    QVector<MarketWord> marketWords(const QString &categoryId, int n, qint64 exclude = 0) const;
    // How this market's sellers most often spell the word (wordKey) in
    // confirmed titles of the category; empty when none writes it.
    QString sellersSpelling(const QString &key, const QString &categoryId) const;

    // Up to `limit` confirmed listings with titles, spread over the index, each with its embedding (as stored).
    std::vector<std::pair<Entry, std::vector<float>>> confirmedTitled(int limit) const;

    // A query's similarity to every listing, computed once for several answers
    // (a photo's neighbours' votes, then its lookup). Listings added after it
    // are not in the answers given from it.
    class Scores {
        friend class ListingIndex;
        std::vector<float> m_similarity;
    };
    Scores score(const std::vector<float> &query) const;

    // The k most similar listings, most similar first (equally similar: the
    // earlier id first); optionally only confirmed ones of a category.
    // `exclude`: a listing left out (a stored photo weighed again must not vote for itself).
    std::vector<Match> nearest(const std::vector<float> &query, int k, const QString &categoryId = {},
                               bool confirmedOnly = false) const;
    std::vector<Match> nearest(const Scores &scores, int k, const QString &categoryId = {}, bool confirmedOnly = false,
                               qint64 exclude = 0) const;
    // The earliest listing whose perceptual hash is within maxHamming bits.
    std::optional<Entry> duplicateOf(std::uint64_t phash, int maxHamming) const;
    // Confirmed neighbours and confirmed prices of the category, for PriceSuggester.
    PriceEvidence priceEvidence(const QString &categoryId, const std::vector<float> &query) const;

    // Everything a new photo needs, from one pass over the listings.
    struct Lookup {
        std::vector<Match> similar;      // the k most similar confirmed listings at least kSimilarFloor alike
        std::vector<Match> sameCategory; // the kNeighbours most similar confirmed listings of the category
        // The category's (marketWords, kMarketWords); the excluded listing's title
        // not counted in the shares (its spellings and places still are).
        QVector<MarketWord> marketWords;
        PriceEvidence evidence;          // as priceEvidence()
        std::optional<Entry> duplicate;  // as duplicateOf()
        // Per category asked for (`voters`, in its order): what a title's words are
        // voted from (WordVote, CategoryWords).
        struct Voters {
            QString categoryId;
            std::vector<Match> nearby;   // its kNeighbours most similar confirmed listings with titles
            QVector<MarketWord> words;   // its most used title words (marketWords, `Want::words`; none when `nearbyOnly`)
        };
        std::vector<Voters> voters;
    };
    using Want = TitleVotersWanted;

    // `exclude`: a listing left out of every answer (a stored photo described again must not find itself).
    Lookup lookup(const std::vector<float> &query, int k, const QString &categoryId, std::uint64_t phash, int maxHamming,
                  qint64 exclude = 0, const Want &voters = {}) const;
    Lookup lookup(const Scores &scores, int k, const QString &categoryId, std::uint64_t phash, int maxHamming,
                  qint64 exclude = 0, const Want &voters = {}) const;

private:
    // Callers hold m_mutex. Similarity of the query to every listing (empty on a dimension mismatch).
    std::vector<float> scoreAll(const std::vector<float> &query) const;
    // The index of the listing with the id in m_entries; -1 when none.
    int indexOf(qint64 id) const;
    // The confirmed listings of the category (indices, ascending); empty when none.
    const std::vector<int> &confirmedIn(const QString &categoryId) const;
    // The best k of the category's confirmed listings scored (`titled`: with a
    // title only), but the one at `skip`, by score: the category's own rows, not all.
    std::vector<Match> bestInCategory(const std::vector<float> &scores, int k, const QString &categoryId, int skip,
                                      bool titled) const;
    PriceEvidence evidenceFrom(const std::vector<Match> &sameCategory, const QString &categoryId, int skip = -1) const;
    // A listing's title left out of its category's word shares: the category
    // (null: none left out), the title's content words and those of them it
    // writes just after a number, found once a lookup.
    struct OwnTitle {
        const QString *categoryId = nullptr;
        QSet<QString> words;
        QSet<QString> afterNumber;
    };
    OwnTitle ownTitle(qint64 exclude) const;
    QVector<MarketWord> marketWordsOf(const QString &categoryId, int n, const OwnTitle &left) const;
    // Callers hold m_mutex for writing. The listing's decision set (confirm) or taken back (unconfirm).
    void decide(qint64 id, bool confirmed, const QString &categoryId, std::optional<double> price, const QString &title);
    // The listing at `i` counted in (+1) or out of (-1) what is kept per
    // listing and per category (its flags, its category's confirmed rows, its
    // title's words); out before it changes, in after.
    void track(std::size_t i, int sign);
    // A confirmed title's words counted in (+1) or out of (-1) its category's.
    void countTitle(const Entry &entry, int sign);
    std::optional<Entry> findDuplicate(std::uint64_t phash, int maxHamming, qint64 exclude = 0) const;

    int m_dim;
    QString m_currency;
    mutable std::shared_mutex m_mutex;
    std::vector<Entry> m_entries;
    std::unordered_map<qint64, std::size_t> m_at; // id -> index in m_entries
    // Per listing, what a lookup's scan tests, kept apart from the entries so
    // that a scan of 100,000 reads 100 kB, not every entry and its title.
    enum Flag : std::uint8_t { Confirmed = 1, Titled = 2 }; // Titled: confirmed with a title
    std::vector<std::uint8_t> m_flags;
    std::vector<std::uint64_t> m_phashes;
    // Per category, its confirmed listings (indices into m_entries, ascending):
    // a category's neighbours, prices and title voters are found among its own rows.
    std::map<QString, std::vector<int>> m_confirmedIn;
    std::vector<std::int8_t> m_codes; // m_entries.size() x m_dim, row-major
    std::vector<float> m_scales;      // per vector: value = code * scale
    struct CategoryWords {
        int titles = 0;
        std::map<QString, int> keys;                    // confirmed titles with the key
        std::map<QString, double> places;               // the key's summed relative place in them (0 first .. 1 last)
        std::map<QString, int> afterNumber;             // the titles that write the key just after a number
        std::map<QString, std::map<QString, int>> forms; // the key's spellings
        // The keys in at least one title, most used first (count negated; equally
        // used: the smaller key first), kept as titles are counted so that a
        // lookup reads the first few rather than copying and sorting every key
        // (the catch-all's are thousands).
        std::set<std::pair<int, QString>> ranked;
    };
    std::map<QString, CategoryWords> m_words;         // by category id
};

// The index's sellersSpelling as title_builder.h asks for it (empty: none), kept alive with it.
SellersSpelling sellersSpellingOf(std::shared_ptr<const ListingIndex> index);

} // namespace listinglens
