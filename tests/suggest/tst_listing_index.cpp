#include "listing_index.h"
#include "price_suggester.h"
#include "title_words.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>

using namespace listinglens;

namespace {

std::vector<float> unit(std::vector<float> v)
{
    double n = 0;
    for (float x : v)
        n += double(x) * x;
    for (float &x : v)
        x = float(x / std::sqrt(n));
    return v;
}

std::vector<float> randomUnit(QRandomGenerator &rng, int dim)
{
    std::vector<float> v(static_cast<std::size_t>(dim));
    for (float &x : v)
        x = float(rng.generateDouble() - 0.5);
    return unit(v);
}

// What the index holds, kept plainly: the answers a scan over it gives.
struct Plain {
    ListingIndex::Entry entry;
    std::vector<float> embedding;
};

QList<qint64> idsOf(const std::vector<ListingIndex::Match> &matches)
{
    QList<qint64> out;
    for (const ListingIndex::Match &m : matches)
        out << m.entry.id;
    return out;
}

// The best k of the listings that pass `keep`, by the similarities given (equally alike: the earlier id first).
template <typename Keep>
QList<qint64> bruteBest(const std::map<qint64, Plain> &all, const std::map<qint64, double> &similarity, int k, Keep keep)
{
    std::vector<std::pair<double, qint64>> found;
    for (const auto &[id, p] : all) {
        if (keep(p.entry))
            found.emplace_back(similarity.at(id), id);
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    QList<qint64> out;
    for (std::size_t i = 0; i < found.size() && int(i) < k; ++i)
        out << found[i].second;
    return out;
}

// A category's most used title words counted afresh from the listings, as
// marketWords gives them: the excluded listing's title is not in the shares
// (its words lose one title each, the titles one), each word is spelt as most
// of the category's titles spell it and placed where they put it on average;
// `titles` and `afterNumber` (the share of them writing it first just after a
// number) leave the excluded title out as the share does.
QVector<MarketWord> freshWords(const std::map<qint64, Plain> &all, const QString &category, int n, qint64 exclude)
{
    std::map<QString, int> keys, afterNumber;
    std::map<QString, double> places;
    std::map<QString, std::map<QString, int>> forms;
    int titles = 0;
    QSet<QString> own, ownAfterNumber;
    for (const auto &[id, p] : all) {
        if (!p.entry.confirmed || p.entry.categoryId != category || p.entry.title.trimmed().isEmpty())
            continue;
        ++titles;
        QSet<QString> counted;
        const QStringList tokens = titleTokens(p.entry.title);
        for (int i = 0; i < int(tokens.size()); ++i) {
            const QString key = wordKey(tokens[i]);
            if (key.isEmpty() || counted.contains(key))
                continue;
            counted.insert(key);
            ++keys[key];
            places[key] += relativePlace(i, int(tokens.size()));
            ++forms[key][tokens[i]];
            const bool afterANumber = i > 0 && numberOnly(tokens[i - 1]);
            afterNumber[key] += afterANumber ? 1 : 0;
            if (id == exclude && afterANumber)
                ownAfterNumber.insert(key);
        }
        if (id == exclude) {
            own = counted;
            --titles;
        }
    }
    std::vector<std::pair<QString, int>> shares;
    for (const auto &[key, count] : keys)
        shares.emplace_back(key, count - (own.contains(key) ? 1 : 0));
    std::sort(shares.begin(), shares.end(), [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    QVector<MarketWord> out;
    for (const auto &[key, count] : shares) {
        if (int(out.size()) >= n || count <= 0 || titles <= 0)
            break;
        QString spelling;
        int most = 0;
        for (const auto &[form, uses] : forms[key]) {
            if (uses > most) {
                spelling = form;
                most = uses;
            }
        }
        const int after = afterNumber[key] - (ownAfterNumber.contains(key) ? 1 : 0);
        out.push_back({spelling, double(count) / titles, std::clamp(places[key] / keys[key], 0.0, 1.0), count, double(after) / count});
    }
    return out;
}

bool sameWords(const QVector<MarketWord> &a, const QVector<MarketWord> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < int(a.size()); ++i) {
        if (a[i].word != b[i].word || a[i].share != b[i].share || std::abs(a[i].place - b[i].place) > 1e-9 || a[i].titles != b[i].titles
            || std::abs(a[i].afterNumber - b[i].afterNumber) > 1e-9)
            return false;
    }
    return true;
}

QString describe(const QVector<MarketWord> &words)
{
    QStringList out;
    for (const MarketWord &w : words)
        out << QStringLiteral("%1 %2 %3 %4 %5").arg(w.word).arg(w.share).arg(w.place).arg(w.titles).arg(w.afterNumber);
    return out.join(QStringLiteral(", "));
}

} // namespace

class TestListingIndex : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nearestMatchesBruteForce()
    {
        QRandomGenerator rng(7);
        const int dim = 64;
        ListingIndex index(dim);
        std::vector<std::vector<float>> vectors;
        for (int i = 0; i < 500; ++i) {
            vectors.push_back(randomUnit(rng, dim));
            index.add({i + 1, i % 2 ? QStringLiteral("cars") : QStringLiteral("phones"), i % 3 == 0, 100.0 + i, quint64(i), {}},
                      vectors.back());
        }
        const auto q = randomUnit(rng, dim);
        std::vector<std::pair<double, int>> brute;
        for (int i = 0; i < 500; ++i) {
            double dot = 0;
            for (int d = 0; d < dim; ++d)
                dot += double(q[d]) * vectors[i][d];
            brute.emplace_back(dot, i + 1);
        }
        std::sort(brute.rbegin(), brute.rend());
        const auto found = index.nearest(q, 5);
        QCOMPARE(int(found.size()), 5);
        // int8 storage: the k-th similarity within 0.01 of the true k-th, and the
        // true best match among the first three found.
        for (int k = 0; k < 5; ++k)
            QVERIFY2(std::abs(found[k].similarity - brute[k].first) < 0.01,
                     qPrintable(QStringLiteral("%1 vs %2").arg(found[k].similarity).arg(brute[k].first)));
        QVERIFY(std::any_of(found.begin(), found.begin() + 3, [&](const auto &m) { return m.entry.id == brute[0].second; }));
        for (const auto &m : index.nearest(q, 10, QStringLiteral("cars"), true)) {
            QCOMPARE(m.entry.categoryId, QStringLiteral("cars"));
            QVERIFY(m.entry.confirmed);
        }
        QVERIFY(index.nearest(std::vector<float>(3, 1.0f), 5).empty()); // wrong dimension: nothing, no crash
    }

    void priceEvidenceNeedsConfirmedSimilarListings()
    {
        const int dim = 4;
        ListingIndex index(dim);
        const auto q = unit({1, 0, 0, 0});
        // Two similar confirmed cars: not enough for a neighbours price.
        index.add({1, QStringLiteral("cars"), true, 9000, 0, {}}, unit({1, 0.1f, 0, 0}));
        index.add({2, QStringLiteral("cars"), true, 11000, 0, {}}, unit({1, 0, 0.1f, 0}));
        index.add({3, QStringLiteral("cars"), false, 0, 0, {}}, unit({1, 0, 0, 0.1f}));      // not confirmed
        index.add({4, QStringLiteral("cars"), true, 500, 0, {}}, unit({0, 1, 0, 0}));        // not similar
        const Category cars{QStringLiteral("cars"), QStringLiteral("Cars"), QStringLiteral("vehicle"), {}, {QStringLiteral("EUR"), 3500, 8500, 16000}};
        PriceSuggestion p = PriceSuggester::suggest(cars, index.priceEvidence(QStringLiteral("cars"), q));
        QCOMPARE(p.basis, PriceBasis::Prior);
        index.confirm(3, QStringLiteral("cars"), 10000);
        p = PriceSuggester::suggest(cars, index.priceEvidence(QStringLiteral("cars"), q));
        QCOMPARE(p.basis, PriceBasis::Neighbours);
        QCOMPARE(p.neighbours, 3);
        QCOMPARE(p.point, 10000.0);
        // Five confirmed prices in the category, not all similar: the category basis.
        ListingIndex other(dim);
        for (int i = 0; i < 5; ++i)
            other.add({i + 1, QStringLiteral("cars"), true, 1000.0 * (i + 1), 0, {}}, unit({0, 1, float(i), 0}));
        p = PriceSuggester::suggest(cars, other.priceEvidence(QStringLiteral("cars"), q));
        QCOMPARE(p.basis, PriceBasis::Category);
        QCOMPARE(p.point, 3000.0);
    }

    // Similar listings shown: confirmed ones at least kSimilarFloor alike, the
    // same list on every visit (equally alike: the earlier id first), whatever
    // unconfirmed photos arrived in between.
    void similarListingsHaveAFloorAndStayTheSame()
    {
        const int dim = 4;
        ListingIndex index(dim);
        const auto q = unit({1, 0, 0, 0});
        const float below = float(std::tan(std::acos(ListingIndex::kSimilarFloor) + 0.05));
        index.add({1, QStringLiteral("cars"), false, 0, 1, QStringLiteral("batch.jpg")}, unit({1, 0.01f, 0, 0})); // unconfirmed, most alike
        index.add({7, QStringLiteral("cars"), true, 9000, 2, {}, QStringLiteral("Ford Focus")}, unit({1, 0.2f, 0, 0}));
        index.add({5, QStringLiteral("cars"), true, 9500, 3, {}, QStringLiteral("Ford Fiesta")}, unit({1, 0, 0.2f, 0})); // as alike as 7
        index.add({3, QStringLiteral("bicycles"), true, 300, 4, {}, QStringLiteral("Road bike")}, unit({1, below, 0, 0})); // under the floor
        auto ids = [&] {
            QList<qint64> out;
            for (const auto &m : index.lookup(q, 5, QStringLiteral("cars"), 0xFFFF, 0).similar)
                out << (m.entry.confirmed && m.similarity >= ListingIndex::kSimilarFloor ? m.entry.id : -m.entry.id);
            return out;
        };
        const QList<qint64> first = ids();
        QCOMPARE(first, (QList<qint64>{5, 7}));
        for (int i = 0; i < 20; ++i)
            index.add({100 + i, QStringLiteral("cars"), false, 0, quint64(100 + i), {}}, unit({1, 0, 0, 0.001f * i}));
        QCOMPARE(ids(), first);
        // An empty history shows nothing, not the batch's own photos.
        ListingIndex batch(dim);
        for (int i = 0; i < 5; ++i)
            batch.add({i + 1, QStringLiteral("cars"), false, 0, quint64(i)}, unit({1, 0.1f * i, 0, 0}));
        QVERIFY(batch.lookup(q, 5, QStringLiteral("cars"), 0xFFFF, 0).similar.empty());
    }

    void marketWordsFollowConfirmations()
    {
        ListingIndex index(2);
        index.add({1, QStringLiteral("bicycles"), true, 100, 0, {}, QStringLiteral("Mountain bike")}, unit({1, 0}));
        index.add({2, QStringLiteral("bicycles"), true, 100, 0, {}, QStringLiteral("Kids bikes x2")}, unit({1, 0}));
        index.add({3, QStringLiteral("bicycles"), false, 0, 0, {}}, unit({1, 0}));
        auto words = index.marketWords(QStringLiteral("bicycles"), 2);
        QCOMPARE(words.value(0).word, QStringLiteral("bike")); // "bike" and "bikes" are one word, spelt as most do... (a tie: the first)
        QCOMPARE(words.value(0).share, 1.0);
        QCOMPARE(words.value(0).place, 0.75); // last of "Mountain bike", the middle of "Kids bikes x2"
        index.confirm(3, QStringLiteral("bicycles"), 50, QStringLiteral("Road bike"));
        QCOMPARE(index.marketWords(QStringLiteral("bicycles"), 1).value(0).share, 1.0);
        index.unconfirm(1, QStringLiteral("bicycles"));
        index.unconfirm(2, QStringLiteral("bicycles"));
        words = index.marketWords(QStringLiteral("bicycles"), 3);
        QCOMPARE(words.size(), 2); // road, bike
        for (const MarketWord &w : std::as_const(words)) // the places of titles no longer confirmed are gone too
            QCOMPARE(w.place, w.word == QLatin1String("Road") ? 0.0 : 1.0);
        index.confirm(3, QStringLiteral("cars"), 50, QStringLiteral("Road bike")); // corrected again: counted once, in its new category
        QVERIFY(index.marketWords(QStringLiteral("bicycles"), 3).isEmpty());
        QCOMPARE(index.marketWords(QStringLiteral("cars"), 3).size(), 2);
        // How a category's sellers spell a word: only while its confirmed titles use it.
        QCOMPARE(index.sellersSpelling(QStringLiteral("road"), QStringLiteral("cars")), QStringLiteral("Road"));
        QVERIFY(index.sellersSpelling(QStringLiteral("road"), QStringLiteral("bicycles")).isEmpty());
        QVERIFY(index.sellersSpelling(QStringLiteral("mountain"), QStringLiteral("bicycles")).isEmpty()); // no longer confirmed
        QVERIFY(index.sellersSpelling(QStringLiteral("road"), QStringLiteral("phones")).isEmpty());
    }

    void aLookupGivesEachWantedCategorysTitleVoters()
    {
        ListingIndex index(2);
        index.add({1, QStringLiteral("bicycles"), true, 100, 0, {}, QStringLiteral("Mountain bike")}, unit({1, 0.3f}));
        index.add({2, QStringLiteral("bicycles"), true, 100, 0, {}, QStringLiteral("Road bike")}, unit({1, 0}));
        index.add({3, QStringLiteral("bicycles"), false, 0, 0, {}}, unit({1, 0}));                       // not confirmed
        index.add({4, QStringLiteral("bicycles"), true, 100, 0, {}, QStringLiteral("  ")}, unit({1, 0})); // no title
        index.add({5, QStringLiteral("cars"), true, 100, 0, {}, QStringLiteral("Ford Focus")}, unit({1, 0}));
        const ListingIndex::Want want{{QStringLiteral("phones"), QStringLiteral("bicycles")}, 5};
        ListingIndex::Lookup near = index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1, 0, want);
        QCOMPARE(int(near.voters.size()), 2); // one per wanted category, in its order
        QCOMPARE(near.voters[0].categoryId, QStringLiteral("phones"));
        QVERIFY(near.voters[0].nearby.empty() && near.voters[0].words.isEmpty());
        QCOMPARE(near.voters[1].categoryId, QStringLiteral("bicycles"));
        QCOMPARE(int(near.voters[1].nearby.size()), 2);
        QCOMPARE(near.voters[1].nearby[0].entry.id, 2); // the most alike first
        QCOMPARE(near.voters[1].nearby[1].entry.id, 1);
        QCOMPARE(near.voters[1].words.first().word, QStringLiteral("bike"));
        // A photo described again does not find itself, nor count its title.
        near = index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1, 2, want);
        QCOMPARE(int(near.voters[1].nearby.size()), 1);
        QCOMPARE(near.voters[1].nearby[0].entry.id, 1);
        QVERIFY(index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1).voters.empty()); // none wanted
        // A category's listings without its words.
        near = index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1, 0, {want.categories, 5, {QStringLiteral("bicycles")}});
        QCOMPARE(int(near.voters[1].nearby.size()), 2);
        QVERIFY(near.voters[1].words.isEmpty());
    }

    void aCategorysRowsFollowConfirmationsAndAdds()
    {
        // A lookup finds a category's neighbours, prices and title voters among
        // the rows kept for it: each must move with a correction, go with an
        // undo, and a listing added after a query's scores is in none of them.
        ListingIndex index(2);
        index.add({1, QStringLiteral("bicycles"), true, 100, 0, {}, QStringLiteral("Road bike")}, unit({1, 0}));
        index.add({2, QStringLiteral("bicycles"), false, 0, 0, {}}, unit({1, 0.1f}));
        index.add({3, QStringLiteral("cars"), true, 300, 0, {}, QStringLiteral("Ford Focus")}, unit({1, 0.2f}));
        const ListingIndex::Want want{{QStringLiteral("bicycles"), QStringLiteral("cars")}, 5};
        const auto ids = [](const std::vector<ListingIndex::Match> &matches) {
            QList<qint64> out;
            for (const ListingIndex::Match &m : matches)
                out << m.entry.id;
            return out;
        };
        index.confirm(2, QStringLiteral("cars"), 200, QStringLiteral("Ford Fiesta"));
        index.confirm(1, QStringLiteral("cars"), 150, QStringLiteral("Ford Ka")); // corrected: out of bicycles, into cars
        ListingIndex::Lookup near = index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1, 0, want);
        QVERIFY(near.voters[0].nearby.empty());
        QCOMPARE(ids(near.voters[1].nearby), (QList<qint64>{1, 2, 3})); // the most alike first, whatever the order confirmed
        QCOMPARE(ids(near.sameCategory), (QList<qint64>{1, 2, 3}));
        QCOMPARE(int(near.evidence.categoryPrices.size()), 3);
        QVERIFY(index.lookup(unit({1, 0}), 5, QStringLiteral("bicycles"), 0, -1).evidence.categoryPrices.empty());
        QCOMPARE(ids(index.nearest(unit({1, 0}), 5, QStringLiteral("cars"), true)), (QList<qint64>{1, 2, 3}));
        index.unconfirm(2, QStringLiteral("cars")); // undone: no longer a confirmed listing of cars
        near = index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1, 3, want); // and the photo of 3 described again
        QCOMPARE(ids(near.voters[1].nearby), (QList<qint64>{1}));
        QCOMPARE(ids(near.sameCategory), (QList<qint64>{1}));
        QCOMPARE(int(near.evidence.categoryPrices.size()), 1);
        QCOMPARE(ids(near.similar), (QList<qint64>{1}));
        QCOMPARE(ids(index.nearest(unit({1, 0}), 5, QStringLiteral("cars"))), (QList<qint64>{1, 2, 3})); // unconfirmed ones too
        // Scores taken before a listing came: it is in no answer given from them.
        const ListingIndex::Scores before = index.score(unit({1, 0}));
        index.add({4, QStringLiteral("cars"), true, 400, 0, {}, QStringLiteral("Ford Puma")}, unit({1, 0}));
        near = index.lookup(before, 5, QStringLiteral("cars"), 0, -1, 0, want);
        QCOMPARE(ids(near.voters[1].nearby), (QList<qint64>{1, 3}));
        QCOMPARE(ids(near.sameCategory), (QList<qint64>{1, 3}));
        QCOMPARE(ids(index.lookup(unit({1, 0}), 5, QStringLiteral("cars"), 0, -1, 0, want).voters[1].nearby), (QList<qint64>{1, 4, 3}));
        // Equally alike: the earlier id first.
        QCOMPARE(ids(index.nearest(unit({1, 0}), 2, {}, true)), (QList<qint64>{1, 4}));
    }

    // The per-category rows a lookup reads must give what a plain scan of the
    // same entries gives, after any mix of adds, confirmations, corrections to
    // another category and undos.
    void perCategoryRowsMatchAPlainScan()
    {
        QRandomGenerator rng(11);
        const int dim = 8;
        const QStringList categories{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
        const QStringList titles{QStringLiteral("Road bike"), QStringLiteral("Ford Focus"), QStringLiteral("  "), {}, QStringLiteral("Vinyl records")};
        const ListingIndex::Want want{categories, 5};
        ListingIndex index(dim);
        std::map<qint64, Plain> plain;
        const auto any = [&](const QStringList &from) { return from[int(rng.bounded(int(from.size())))]; };
        for (int round = 0; round < 12; ++round) {
            for (int step = 0; step < 60; ++step) {
                const int op = plain.empty() ? 0 : int(rng.bounded(4));
                const qint64 id = qint64(rng.bounded(int(plain.size()) + 3)) + 1; // now and then one not there
                const QString category = any(categories);
                // Now and then a decision without a price, which is no price evidence.
                const std::optional<double> price = rng.bounded(6) == 0 ? std::nullopt : std::optional<double>(rng.bounded(1000));
                const bool confirmed = rng.bounded(2) == 0;
                const QString title = confirmed ? any(titles) : QString();
                if (op == 0) {
                    // A new listing, or now and then an id here already (ignored).
                    const qint64 added = rng.bounded(8) == 0 && !plain.empty() ? id : qint64(plain.size()) + 1;
                    const ListingIndex::Entry e{added, category, confirmed, confirmed ? price : std::optional<double>(0), quint64(added), {}, title};
                    const auto v = randomUnit(rng, dim);
                    index.add(e, v);
                    plain.emplace(added, Plain{e, v});
                } else if (op == 3) {
                    index.unconfirm(id, category);
                    if (plain.contains(id))
                        plain[id].entry = {id, category, false, 0, quint64(id), {}, {}};
                } else { // confirmed, in its category or corrected to another
                    const QString confirmedTitle = any(titles);
                    index.confirm(id, category, price, confirmedTitle);
                    if (plain.contains(id))
                        plain[id].entry = {id, category, true, price, quint64(id), {}, confirmedTitle};
                }
            }
            QCOMPARE(index.size(), plain.size());
            const auto q = randomUnit(rng, dim);
            // The index's own similarities (int8), each within 0.02 of the true cosine; the scan below uses them.
            std::map<qint64, double> similarity;
            for (const ListingIndex::Match &m : index.nearest(q, 100000))
                similarity[m.entry.id] = m.similarity;
            QCOMPARE(similarity.size(), plain.size());
            for (const auto &[id, p] : plain) {
                double dot = 0;
                for (int d = 0; d < dim; ++d)
                    dot += double(q[std::size_t(d)]) * p.embedding[std::size_t(d)];
                QVERIFY(std::abs(similarity[id] - dot) < 0.02);
            }
            const qint64 exclude = rng.bounded(2) ? qint64(rng.bounded(int(plain.size()))) + 1 : 0;
            const int k = ListingIndex::kNeighbours;
            for (const QString &c : categories) {
                const auto confirmedIn = [&](const ListingIndex::Entry &e) { return e.confirmed && e.categoryId == c && e.id != exclude; };
                const auto titledIn = [&](const ListingIndex::Entry &e) { return confirmedIn(e) && !e.title.trimmed().isEmpty(); };
                const ListingIndex::Lookup near = index.lookup(q, 5, c, 0, -1, exclude, want);
                QCOMPARE(idsOf(near.sameCategory), bruteBest(plain, similarity, k, confirmedIn));
                const auto voters = std::find_if(near.voters.begin(), near.voters.end(), [&](const auto &v) { return v.categoryId == c; });
                QVERIFY(voters != near.voters.end());
                QCOMPARE(idsOf(voters->nearby), bruteBest(plain, similarity, k, titledIn));
                QCOMPARE(voters->words.size(), index.marketWords(c, 5, exclude).size());
                std::vector<double> prices = near.evidence.categoryPrices, brutePrices;
                for (const auto &[id, p] : plain) {
                    if (confirmedIn(p.entry) && p.entry.price) // a decision without a price is no price evidence
                        brutePrices.push_back(*p.entry.price);
                }
                std::sort(prices.begin(), prices.end());
                std::sort(brutePrices.begin(), brutePrices.end());
                QCOMPARE(prices, brutePrices);
                QList<qint64> similar = bruteBest(plain, similarity, 5, [&](const ListingIndex::Entry &e) { return e.confirmed && e.id != exclude; });
                similar.removeIf([&](qint64 id) { return similarity[id] < ListingIndex::kSimilarFloor; });
                QCOMPARE(idsOf(near.similar), similar);
                // nearest with a k beyond the listings: every one that passes, in order.
                QCOMPARE(idsOf(index.nearest(q, 100000, c, true)),
                         bruteBest(plain, similarity, 100000, [&](const ListingIndex::Entry &e) { return e.confirmed && e.categoryId == c; }));
                QCOMPARE(idsOf(index.nearest(q, 3, c)),
                         bruteBest(plain, similarity, 3, [&](const ListingIndex::Entry &e) { return e.categoryId == c; }));
            }
        }
    }

    // The words kept ranked per category must give what a fresh count of the
    // confirmed titles gives, after any mix of adds, confirmations, corrections
    // to another category and undos, with a listing's own title left out.
    void marketWordsMatchAFreshCount()
    {
        QRandomGenerator rng(23);
        const QStringList categories{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        // Few words, several spellings of a key ("Bike", "bikes"), filler words and
        // repeats within a title: many ties, which the order must break as a fresh count does.
        // Numbers ("50", "£20") put words after a number.
        const QStringList vocabulary{QStringLiteral("Bike"), QStringLiteral("bikes"), QStringLiteral("BIKE"), QStringLiteral("Road"),
                                     QStringLiteral("road"), QStringLiteral("Ford"), QStringLiteral("Focus"), QStringLiteral("for"),
                                     QStringLiteral("sale"), QStringLiteral("Chairs"), QStringLiteral("chair"), QStringLiteral("red"),
                                     QStringLiteral("Red"), QStringLiteral("x2"), QStringLiteral("new"), QStringLiteral("Vinyl"),
                                     QStringLiteral("50"), QStringLiteral("£20")};
        const auto anyTitle = [&] {
            if (rng.bounded(8) == 0)
                return rng.bounded(2) ? QStringLiteral("  ") : QString();
            QStringList words;
            for (int w = 0, count = 1 + int(rng.bounded(5)); w < count; ++w)
                words << vocabulary[int(rng.bounded(int(vocabulary.size())))];
            return words.join(QLatin1Char(' '));
        };
        const ListingIndex::Want want{categories, 3};
        ListingIndex index(2);
        std::map<qint64, Plain> plain;
        int afterANumber = 0; // words written after a number: the count is tested
        for (int round = 0; round < 40; ++round) {
            for (int step = 0; step < 25; ++step) {
                const int op = plain.empty() ? 0 : int(rng.bounded(4));
                const qint64 id = qint64(rng.bounded(int(plain.size()) + 2)) + 1;
                const QString category = categories[int(rng.bounded(int(categories.size())))];
                const QString title = anyTitle();
                if (op == 0) {
                    const bool confirmed = rng.bounded(2) == 0;
                    const ListingIndex::Entry e{qint64(plain.size()) + 1, category, confirmed, 0, 0, {}, confirmed ? title : QString()};
                    index.add(e, unit({1, 0}));
                    plain.emplace(e.id, Plain{e, unit({1, 0})});
                } else if (op == 3) {
                    index.unconfirm(id, category);
                    if (plain.contains(id))
                        plain[id].entry = {id, category, false, 0, 0, {}, {}};
                } else {
                    index.confirm(id, category, 0, title);
                    if (plain.contains(id))
                        plain[id].entry = {id, category, true, 0, 0, {}, title};
                }
            }
            const qint64 exclude = rng.bounded(3) ? qint64(rng.bounded(int(plain.size()))) + 1 : 0;
            for (const QString &c : categories) {
                for (int n : {0, 1, 3, 100}) {
                    const QVector<MarketWord> fresh = freshWords(plain, c, n, exclude), kept = index.marketWords(c, n, exclude);
                    QVERIFY2(sameWords(kept, fresh), qPrintable(describe(kept) + QStringLiteral(" | ") + describe(fresh)));
                    afterANumber += int(std::count_if(kept.begin(), kept.end(), [](const MarketWord &w) { return w.afterNumber > 0; }));
                }
                const ListingIndex::Lookup near = index.lookup(unit({1, 0}), 5, c, 0, -1, exclude, want);
                QVERIFY(sameWords(near.marketWords, freshWords(plain, c, ListingIndex::kMarketWords, exclude)));
                for (const ListingIndex::Lookup::Voters &v : near.voters)
                    QVERIFY(sameWords(v.words, freshWords(plain, v.categoryId, want.words, exclude)));
            }
        }
        QVERIFY(afterANumber > 0);
    }

    void findsTheEarliestDuplicate()
    {
        ListingIndex index(2);
        index.add({10, QStringLiteral("a"), false, 0, 0xFFFF0000FFFF0000ULL, QStringLiteral("first.jpg")}, unit({1, 0}));
        index.add({11, QStringLiteral("a"), false, 0, 0xFFFF0000FFFF0001ULL, QStringLiteral("second.jpg")}, unit({1, 0}));
        const auto d = index.duplicateOf(0xFFFF0000FFFF0003ULL, 6);
        QVERIFY(d.has_value());
        QCOMPARE(d->id, 10);
        QVERIFY(!index.duplicateOf(0x0000FFFF0000FFFFULL, 6).has_value());
    }
};

QTEST_GUILESS_MAIN(TestListingIndex)
#include "tst_listing_index.moc"
