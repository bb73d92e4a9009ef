#include "listing_index.h"

#include "int8_scores.h"
#include "photo_quality.h"
#include "title_words.h"

#include <cmath>

#include <algorithm>
#include <mutex>
#include <numeric>

namespace listinglens {

namespace {

// Symmetric int8 quantisation; returns the scale (value = code * scale).
float quantise(const std::vector<float> &v, std::vector<std::int8_t> &codes)
{
    float maxAbs = 0;
    for (float x : v)
        maxAbs = std::max(maxAbs, std::abs(x));
    const float scale = maxAbs > 0 ? maxAbs / 127.0f : 1.0f;
    codes.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        codes[i] = std::int8_t(std::lround(v[i] / scale));
    return scale;
}

// The best k of the listings offered one at a time, by score (equally similar:
// the earlier id first), kept as they come in a heap whose top is the k-th
// best: most listings are below it and cost one comparison, the others
// O(log k), where collecting and sorting every candidate cost a vector of all
// of them per answer. `candidates`: at most how many are offered (a large k
// reserves no more than can come).
class TopK {
public:
    TopK(int k, std::size_t candidates, const std::vector<float> &scores, const std::vector<ListingIndex::Entry> &entries)
        : m_k(std::size_t(std::max(k, 0))), m_scores(scores), m_entries(entries)
    {
        m_best.reserve(std::min(m_k, candidates));
    }
    void offer(int i)
    {
        const auto worse = [this](int a, int b) { return better(a, b); }; // the heap's top: the worst kept
        if (m_best.size() < m_k) {
            m_best.push_back(i);
            std::push_heap(m_best.begin(), m_best.end(), worse);
        } else if (m_k > 0 && better(i, m_best.front())) {
            std::pop_heap(m_best.begin(), m_best.end(), worse);
            m_best.back() = i;
            std::push_heap(m_best.begin(), m_best.end(), worse);
        }
    }
    std::vector<ListingIndex::Match> matches() const
    {
        std::vector<int> order = m_best;
        std::sort(order.begin(), order.end(), [this](int a, int b) { return better(a, b); });
        std::vector<ListingIndex::Match> out;
        out.reserve(order.size());
        for (int i : order)
            out.push_back({m_entries[std::size_t(i)], double(m_scores[std::size_t(i)])});
        return out;
    }

private:
    bool better(int a, int b) const
    {
        const float sa = m_scores[std::size_t(a)], sb = m_scores[std::size_t(b)];
        return sa != sb ? sa > sb : m_entries[std::size_t(a)].id < m_entries[std::size_t(b)].id;
    }
    std::size_t m_k;
    const std::vector<float> &m_scores;
    const std::vector<ListingIndex::Entry> &m_entries;
    std::vector<int> m_best;
};

} // namespace

bool ListingIndex::contains(qint64 id) const
{
    std::shared_lock lock(m_mutex);
    return m_at.contains(id);
}

void ListingIndex::addResult(qint64 id, const PhotoResult &result, const QString &file)
{
    add({id, result.category.id, false, 0, result.quality.phash, file, {}}, result.embedding);
}

std::size_t ListingIndex::size() const
{
    std::shared_lock lock(m_mutex);
    return m_entries.size();
}

ListingIndex::Counts ListingIndex::counts(qint64 exclude) const
{
    std::shared_lock lock(m_mutex);
    Counts n{m_entries.size(), 0};
    for (const auto &[category, rows] : m_confirmedIn)
        n.confirmed += rows.size();
    if (const int at = exclude == 0 ? -1 : indexOf(exclude); at >= 0) {
        --n.listings;
        if (m_flags[std::size_t(at)] & Confirmed)
            --n.confirmed;
    }
    return n;
}

void ListingIndex::add(const Entry &entry, const std::vector<float> &embedding)
{
    if (int(embedding.size()) != m_dim)
        return; // a model without (this) embedding: nothing to compare with
    std::vector<std::int8_t> codes;
    const float scale = quantise(embedding, codes);
    std::unique_lock lock(m_mutex);
    if (m_at.contains(entry.id))
        return; // already here (another worker's row read back after being added)
    // The id is mapped last, once every per-listing vector has its row: an
    // allocation that throws on the way leaves no id pointing past them (the
    // vectors a throw left longer are cut back to the entries).
    const std::size_t i = m_entries.size();
    try {
        m_entries.push_back(entry);
        m_flags.push_back(0);
        m_phashes.push_back(entry.phash);
        m_codes.insert(m_codes.end(), codes.begin(), codes.end());
        m_scales.push_back(scale);
        m_at.emplace(entry.id, i);
    } catch (...) {
        m_entries.resize(i);
        m_flags.resize(i);
        m_phashes.resize(i);
        m_codes.resize(i * std::size_t(m_dim));
        m_scales.resize(i);
        throw;
    }
    track(i, +1);
}

void ListingIndex::confirm(qint64 id, const QString &categoryId, std::optional<double> price, const QString &title)
{
    std::unique_lock lock(m_mutex);
    decide(id, true, categoryId, price, title);
}

void ListingIndex::unconfirm(qint64 id, const QString &suggestedCategoryId)
{
    std::unique_lock lock(m_mutex);
    decide(id, false, suggestedCategoryId, std::nullopt, {});
}

void ListingIndex::decide(qint64 id, bool confirmed, const QString &categoryId, std::optional<double> price, const QString &title)
{
    const int i = indexOf(id);
    if (i < 0)
        return;
    track(std::size_t(i), -1);
    Entry &e = m_entries[std::size_t(i)];
    e.confirmed = confirmed;
    e.categoryId = categoryId;
    e.price = price;
    e.title = title;
    track(std::size_t(i), +1);
}

int ListingIndex::indexOf(qint64 id) const
{
    const auto it = m_at.find(id);
    return it == m_at.end() ? -1 : int(it->second);
}

const std::vector<int> &ListingIndex::confirmedIn(const QString &categoryId) const
{
    static const std::vector<int> none;
    const auto it = m_confirmedIn.find(categoryId);
    return it == m_confirmedIn.end() ? none : it->second;
}

void ListingIndex::track(std::size_t i, int sign)
{
    const Entry &e = m_entries[i];
    if (e.confirmed) {
        std::vector<int> &rows = m_confirmedIn[e.categoryId];
        const auto at = std::lower_bound(rows.begin(), rows.end(), int(i));
        if (sign > 0 && (at == rows.end() || *at != int(i)))
            rows.insert(at, int(i));
        else if (sign < 0 && at != rows.end() && *at == int(i))
            rows.erase(at);
    }
    const bool titled = e.confirmed && !e.title.trimmed().isEmpty();
    m_flags[i] = sign > 0 ? std::uint8_t((e.confirmed ? Confirmed : 0) | (titled ? Titled : 0)) : std::uint8_t(0);
    countTitle(e, sign);
}

std::vector<float> ListingIndex::scoreAll(const std::vector<float> &query) const
{
    const int n = int(m_entries.size());
    if (int(query.size()) != m_dim || n == 0)
        return {};
    // Cosine similarity of unit vectors: an int8 dot product per listing.
    std::vector<std::int8_t> qcodes;
    const float qscale = quantise(query, qcodes);
    std::vector<float> scores(static_cast<std::size_t>(n));
    int8Scores(m_codes.data(), m_scales.data(), scores.size(), m_dim, qcodes.data(), qscale, scores.data());
    return scores;
}

std::vector<ListingIndex::Match> ListingIndex::bestInCategory(const std::vector<float> &scores, int k, const QString &categoryId,
                                                               int skip, bool titled) const
{
    const std::vector<int> &rows = confirmedIn(categoryId);
    TopK best(k, rows.size(), scores, m_entries);
    const int n = int(std::min(scores.size(), m_entries.size())); // scores from before a listing was added never read past theirs
    for (int i : rows) {
        if (i >= n)
            break; // ascending: the rest came after the scores
        if (i != skip && (!titled || (m_flags[std::size_t(i)] & Titled)))
            best.offer(i);
    }
    return best.matches();
}

PriceEvidence ListingIndex::evidenceFrom(const std::vector<Match> &sameCategory, const QString &categoryId, int skip) const
{
    PriceEvidence evidence;
    evidence.currency = m_currency;
    for (const Match &m : sameCategory) {
        if (m.similarity >= kMinSimilarity && m.entry.price) // a decision without a price is no price evidence
            evidence.neighbours.push_back({*m.entry.price, m.similarity});
    }
    for (int i : confirmedIn(categoryId)) {
        if (i != skip && m_entries[std::size_t(i)].price)
            evidence.categoryPrices.push_back(*m_entries[std::size_t(i)].price);
    }
    return evidence;
}

std::optional<ListingIndex::Entry> ListingIndex::findDuplicate(std::uint64_t phash, int maxHamming, qint64 exclude) const
{
    if (maxHamming < 0)
        return std::nullopt; // no distance is below 0
    const int skip = indexOf(exclude);
    for (std::size_t i = 0; i < m_phashes.size(); ++i) {
        if (int(i) != skip && hammingDistance(m_phashes[i], phash) <= maxHamming)
            return m_entries[i];
    }
    return std::nullopt;
}

ListingIndex::Scores ListingIndex::score(const std::vector<float> &query) const
{
    std::shared_lock lock(m_mutex);
    Scores out;
    out.m_similarity = scoreAll(query);
    return out;
}

std::vector<ListingIndex::Match> ListingIndex::nearest(const std::vector<float> &query, int k, const QString &categoryId,
                                                        bool confirmedOnly) const
{
    return nearest(score(query), k, categoryId, confirmedOnly);
}

std::vector<ListingIndex::Match> ListingIndex::nearest(const Scores &scores, int k, const QString &categoryId,
                                                        bool confirmedOnly, qint64 exclude) const
{
    std::shared_lock lock(m_mutex);
    const int skip = exclude > 0 ? indexOf(exclude) : -1;
    if (confirmedOnly && !categoryId.isEmpty())
        return bestInCategory(scores.m_similarity, k, categoryId, skip, false);
    const int n = int(std::min(scores.m_similarity.size(), m_entries.size()));
    TopK best(k, std::size_t(n), scores.m_similarity, m_entries);
    for (int i = 0; i < n; ++i) {
        if (i != skip && (!confirmedOnly || (m_flags[std::size_t(i)] & Confirmed))
            && (categoryId.isEmpty() || m_entries[std::size_t(i)].categoryId == categoryId))
            best.offer(i);
    }
    return best.matches();
}

std::optional<ListingIndex::Entry> ListingIndex::duplicateOf(std::uint64_t phash, int maxHamming) const
{
    std::shared_lock lock(m_mutex);
    return findDuplicate(phash, maxHamming);
}

PriceEvidence ListingIndex::priceEvidence(const QString &categoryId, const std::vector<float> &query) const
{
    std::shared_lock lock(m_mutex);
    return evidenceFrom(bestInCategory(scoreAll(query), kNeighbours, categoryId, -1, false), categoryId);
}

ListingIndex::Lookup ListingIndex::lookup(const std::vector<float> &query, int k, const QString &categoryId,
                                          std::uint64_t phash, int maxHamming, qint64 exclude, const Want &voters) const
{
    return lookup(score(query), k, categoryId, phash, maxHamming, exclude, voters);
}

ListingIndex::Lookup ListingIndex::lookup(const Scores &scored, int k, const QString &categoryId,
                                          std::uint64_t phash, int maxHamming, qint64 exclude, const Want &voters) const
{
    std::shared_lock lock(m_mutex);
    const std::vector<float> &scores = scored.m_similarity; // once, for every answer
    const int skip = indexOf(exclude);
    Lookup out;
    // Any category's: one pass over the listings' flags. A category's: its own rows.
    const int n = int(std::min(scores.size(), m_entries.size()));
    TopK similar(k, std::size_t(n), scores, m_entries);
    for (int i = 0; i < n; ++i) {
        if ((m_flags[std::size_t(i)] & Confirmed) && i != skip)
            similar.offer(i);
    }
    out.similar = similar.matches();
    out.similar.erase(std::remove_if(out.similar.begin(), out.similar.end(), [](const Match &m) { return m.similarity < kSimilarFloor; }),
                      out.similar.end());
    out.sameCategory = bestInCategory(scores, kNeighbours, categoryId, skip, false);
    const OwnTitle own = ownTitle(exclude); // once for every category's words
    for (const QString &c : voters.categories) {
        const int words = voters.nearbyOnly.contains(c) ? 0 : voters.words;
        out.voters.push_back({c, bestInCategory(scores, kNeighbours, c, skip, true), marketWordsOf(c, words, own)});
    }
    out.evidence = evidenceFrom(out.sameCategory, categoryId, skip);
    out.marketWords = marketWordsOf(categoryId, kMarketWords, own);
    out.duplicate = findDuplicate(phash, maxHamming, exclude);
    return out;
}

void ListingIndex::countTitle(const Entry &entry, int sign)
{
    if (!entry.confirmed || entry.title.trimmed().isEmpty())
        return;
    CategoryWords &words = m_words[entry.categoryId];
    words.titles += sign;
    QSet<QString> counted;
    const QStringList tokens = titleTokens(entry.title);
    for (int i = 0; i < int(tokens.size()); ++i) {
        const QString key = wordKey(tokens[i]);
        if (key.isEmpty() || counted.contains(key))
            continue;
        counted.insert(key);
        int &count = words.keys[key];
        // The new place inserted before the old is erased: an insert that
        // throws leaves the ranking as the counts are.
        const int updated = count + sign;
        if (updated > 0)
            words.ranked.insert({-updated, key});
        if (count > 0)
            words.ranked.erase({-count, key});
        count = updated;
        words.places[key] += sign * relativePlace(i, int(tokens.size()));
        if (i > 0 && numberOnly(tokens[i - 1]))
            words.afterNumber[key] += sign;
        words.forms[key][tokens[i]] += sign;
    }
}

ListingIndex::OwnTitle ListingIndex::ownTitle(qint64 exclude) const
{
    const int at = exclude == 0 ? -1 : indexOf(exclude);
    const Entry *left = at < 0 ? nullptr : &m_entries[std::size_t(at)];
    if (!left || !left->confirmed || left->title.trimmed().isEmpty())
        return {};
    // As countTitle counts it: each key once, after a number where it is first written.
    OwnTitle own{&left->categoryId, {}, {}};
    const QStringList tokens = titleTokens(left->title);
    for (int i = 0; i < int(tokens.size()); ++i) {
        const QString key = wordKey(tokens[i]);
        if (key.isEmpty() || own.words.contains(key))
            continue;
        own.words.insert(key);
        if (i > 0 && numberOnly(tokens[i - 1]))
            own.afterNumber.insert(key);
    }
    return own;
}

QVector<MarketWord> ListingIndex::marketWordsOf(const QString &categoryId, int n, const OwnTitle &left) const
{
    const auto it = m_words.find(categoryId);
    if (n <= 0 || it == m_words.end() || it->second.titles <= 0)
        return {};
    const CategoryWords &words = it->second;
    // A listing left out of its own evidence: its title's words are not counted.
    int titles = words.titles;
    static const QSet<QString> none;
    const bool counted = left.categoryId && *left.categoryId == categoryId;
    const QSet<QString> &own = counted ? left.words : none;
    const QSet<QString> &ownAfterNumber = counted ? left.afterNumber : none;
    if (counted)
        --titles;
    if (titles <= 0)
        return {};
    // Its words lose one title each, so the best `take` are among the first
    // take + |own| ranked: at least `take` of those are not its own, keep their
    // counts, and stay ahead of every key after them.
    const auto take = std::size_t(std::max(n, 0));
    std::vector<std::pair<int, const QString *>> best; // count negated, key: ordered as `ranked`
    best.reserve(std::min(take + std::size_t(own.size()), words.ranked.size()));
    for (auto r = words.ranked.begin(); r != words.ranked.end() && best.size() < take + std::size_t(own.size()); ++r)
        best.push_back({r->first + (own.contains(r->second) ? 1 : 0), &r->second});
    std::sort(best.begin(), best.end(), [](const auto &a, const auto &b) { return a.first != b.first ? a.first < b.first : *a.second < *b.second; });
    QVector<MarketWord> out;
    for (std::size_t i = 0; i < std::min(take, best.size()) && best[i].first < 0; ++i) {
        const QString &key = *best[i].second;
        const auto &forms = words.forms.at(key);
        const auto form = std::max_element(forms.begin(), forms.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        const double place = words.places.count(key) ? words.places.at(key) : 0.0;
        const int count = -best[i].first; // the titles with it, its own left out
        const auto after = words.afterNumber.find(key);
        const int afterCount = (after == words.afterNumber.end() ? 0 : after->second) - (ownAfterNumber.contains(key) ? 1 : 0);
        const double afterNumber = std::clamp(double(afterCount) / count, 0.0, 1.0);
        out.push_back({form->first, double(count) / titles, std::clamp(place / std::max(words.keys.at(key), 1), 0.0, 1.0), count, afterNumber});
    }
    return out;
}

std::vector<std::pair<ListingIndex::Entry, std::vector<float>>> ListingIndex::confirmedTitled(int limit) const
{
    std::shared_lock lock(m_mutex);
    std::vector<std::size_t> titled;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_flags[i] & Titled)
            titled.push_back(i);
    }
    const std::size_t take = std::min(titled.size(), std::size_t(std::max(limit, 0)));
    std::vector<std::pair<Entry, std::vector<float>>> out;
    for (std::size_t k = 0; k < take; ++k) {
        const std::size_t i = titled[k * titled.size() / take];
        std::vector<float> v(static_cast<std::size_t>(m_dim));
        for (int d = 0; d < m_dim; ++d)
            v[std::size_t(d)] = float(m_codes[i * std::size_t(m_dim) + std::size_t(d)]) * m_scales[i];
        out.emplace_back(m_entries[i], std::move(v));
    }
    return out;
}

QVector<MarketWord> ListingIndex::marketWords(const QString &categoryId, int n, qint64 exclude) const
{
    std::shared_lock lock(m_mutex);
    return marketWordsOf(categoryId, n, ownTitle(exclude));
}

QString ListingIndex::sellersSpelling(const QString &key, const QString &categoryId) const
{
    std::shared_lock lock(m_mutex);
    const auto words = m_words.find(categoryId);
    if (words == m_words.end())
        return {};
    const auto forms = words->second.forms.find(key);
    if (forms == words->second.forms.end())
        return {};
    const auto most = std::max_element(forms->second.begin(), forms->second.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
    return most != forms->second.end() && most->second > 0 ? most->first : QString();
}

SellersSpelling sellersSpellingOf(std::shared_ptr<const ListingIndex> index)
{
    if (!index)
        return {};
    return [index = std::move(index)](const QString &key, const QString &categoryId) { return index->sellersSpelling(key, categoryId); };
}

} // namespace listinglens
