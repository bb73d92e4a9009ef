#include "listing_index.h"

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

// Written so that the compiler vectorises it (16-bit products, 32-bit sums).
std::int32_t dot(const std::int8_t *a, const std::int8_t *b, int n)
{
    std::int32_t sum = 0;
    for (int i = 0; i < n; ++i)
        sum += std::int16_t(a[i]) * std::int16_t(b[i]);
    return sum;
}

} // namespace

bool ListingIndex::contains(qint64 id) const
{
    std::shared_lock lock(m_mutex);
    return m_ids.contains(id);
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

void ListingIndex::add(const Entry &entry, const std::vector<float> &embedding)
{
    if (int(embedding.size()) != m_dim)
        return; // a model without (this) embedding: nothing to compare with
    std::vector<std::int8_t> codes;
    const float scale = quantise(embedding, codes);
    std::unique_lock lock(m_mutex);
    if (!m_ids.insert(entry.id).second)
        return; // already here (another worker's row read back after being added)
    m_entries.push_back(entry);
    countTitle(entry, +1);
    m_codes.insert(m_codes.end(), codes.begin(), codes.end());
    m_scales.push_back(scale);
}

void ListingIndex::confirm(qint64 id, const QString &categoryId, double price, const QString &title)
{
    std::unique_lock lock(m_mutex);
    for (Entry &e : m_entries) {
        if (e.id == id) {
            countTitle(e, -1);
            e.confirmed = true;
            e.categoryId = categoryId;
            e.price = price;
            e.title = title;
            countTitle(e, +1);
            return;
        }
    }
}

void ListingIndex::unconfirm(qint64 id, const QString &suggestedCategoryId)
{
    std::unique_lock lock(m_mutex);
    for (Entry &e : m_entries) {
        if (e.id == id) {
            countTitle(e, -1);
            e.confirmed = false;
            e.categoryId = suggestedCategoryId;
            e.price = 0;
            e.title.clear();
            return;
        }
    }
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
    for (int i = 0; i < n; ++i)
        scores[std::size_t(i)] = float(dot(qcodes.data(), &m_codes[std::size_t(i) * std::size_t(m_dim)], m_dim)) * qscale * m_scales[std::size_t(i)];
    return scores;
}

template <typename Keep>
std::vector<ListingIndex::Match> ListingIndex::best(const std::vector<float> &scores, int k, Keep keep) const
{
    std::vector<int> candidates;
    const int n = int(std::min(scores.size(), m_entries.size())); // scores from another index never read past this one
    for (int i = 0; i < n; ++i) {
        if (keep(m_entries[std::size_t(i)]))
            candidates.push_back(i);
    }
    return bestOf(scores, k, candidates);
}

std::vector<ListingIndex::Match> ListingIndex::bestOf(const std::vector<float> &scores, int k, std::vector<int> &candidates) const
{
    const int take = std::min(std::max(k, 0), int(candidates.size()));
    std::partial_sort(candidates.begin(), candidates.begin() + take, candidates.end(),
                      [&](int a, int b) {
                          const float sa = scores[std::size_t(a)], sb = scores[std::size_t(b)];
                          return sa != sb ? sa > sb : m_entries[std::size_t(a)].id < m_entries[std::size_t(b)].id;
                      });
    std::vector<Match> out;
    for (int i = 0; i < take; ++i)
        out.push_back({m_entries[std::size_t(candidates[std::size_t(i)])], double(scores[std::size_t(candidates[std::size_t(i)])])});
    return out;
}

std::vector<ListingIndex::Match> ListingIndex::sameCategoryFrom(const std::vector<float> &scores, const QString &categoryId,
                                                                qint64 exclude) const
{
    return best(scores, kNeighbours, [&](const Entry &e) { return e.confirmed && e.categoryId == categoryId && e.id != exclude; });
}

PriceEvidence ListingIndex::evidenceFrom(const std::vector<Match> &sameCategory, const QString &categoryId, qint64 exclude) const
{
    PriceEvidence evidence;
    evidence.currency = m_currency;
    auto confirmedInCategory = [&](const Entry &e) { return e.confirmed && e.categoryId == categoryId && e.id != exclude; };
    for (const Match &m : sameCategory) {
        if (m.similarity >= kMinSimilarity)
            evidence.neighbours.push_back({m.entry.price, m.similarity});
    }
    for (const Entry &e : m_entries) {
        if (confirmedInCategory(e))
            evidence.categoryPrices.push_back(e.price);
    }
    return evidence;
}

std::optional<ListingIndex::Entry> ListingIndex::findDuplicate(std::uint64_t phash, int maxHamming, qint64 exclude) const
{
    for (const Entry &e : m_entries) {
        if (e.id != exclude && hammingDistance(e.phash, phash) <= maxHamming)
            return e;
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
    return best(scores.m_similarity, k, [&](const Entry &e) {
        return (exclude <= 0 || e.id != exclude) && (!confirmedOnly || e.confirmed) && (categoryId.isEmpty() || e.categoryId == categoryId);
    });
}

std::optional<ListingIndex::Entry> ListingIndex::duplicateOf(std::uint64_t phash, int maxHamming) const
{
    std::shared_lock lock(m_mutex);
    return findDuplicate(phash, maxHamming);
}

PriceEvidence ListingIndex::priceEvidence(const QString &categoryId, const std::vector<float> &query) const
{
    std::shared_lock lock(m_mutex);
    return evidenceFrom(sameCategoryFrom(scoreAll(query), categoryId, 0), categoryId);
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
    Lookup out;
    out.similar = best(scores, k, [exclude](const Entry &e) { return e.confirmed && e.id != exclude; });
    out.similar.erase(std::remove_if(out.similar.begin(), out.similar.end(), [](const Match &m) { return m.similarity < kSimilarFloor; }),
                      out.similar.end());
    out.sameCategory = sameCategoryFrom(scores, categoryId, exclude);
    // The confirmed titled listings, of any category and of each wanted one, in one pass.
    std::vector<int> titled;
    std::vector<std::vector<int>> inCategory(std::size_t(voters.categories.size()));
    const int n = int(std::min(scores.size(), m_entries.size()));
    for (int i = 0; i < n; ++i) {
        const Entry &e = m_entries[std::size_t(i)];
        if (!e.confirmed || e.id == exclude || e.title.trimmed().isEmpty())
            continue;
        titled.push_back(i);
        for (qsizetype c = 0; c < voters.categories.size(); ++c) {
            if (e.categoryId == voters.categories[c])
                inCategory[std::size_t(c)].push_back(i);
        }
    }
    out.nearby = bestOf(scores, kNeighbours, titled);
    for (qsizetype c = 0; c < voters.categories.size(); ++c)
        out.voters.push_back({voters.categories[c], bestOf(scores, kNeighbours, inCategory[std::size_t(c)]),
                              marketWordsOf(voters.categories[c], voters.words, exclude)});
    out.evidence = evidenceFrom(out.sameCategory, categoryId, exclude);
    out.marketWords = marketWordsOf(categoryId, kMarketWords, exclude);
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
        words.keys[key] += sign;
        words.places[key] += sign * relativePlace(i, int(tokens.size()));
        words.forms[key][tokens[i]] += sign;
    }
}

QVector<MarketWord> ListingIndex::marketWordsOf(const QString &categoryId, int n, qint64 exclude) const
{
    const auto it = m_words.find(categoryId);
    if (it == m_words.end() || it->second.titles <= 0)
        return {};
    const CategoryWords &words = it->second;
    std::vector<std::pair<QString, int>> keys(words.keys.begin(), words.keys.end());
    // A listing left out of its own evidence: its title's words are not counted.
    int titles = words.titles;
    const auto left = exclude == 0 ? m_entries.end()
                                   : std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry &e) { return e.id == exclude; });
    if (left != m_entries.end() && left->confirmed && left->categoryId == categoryId && !left->title.trimmed().isEmpty()) {
        const QSet<QString> own = contentWords(left->title);
        for (auto &[key, count] : keys)
            count -= own.contains(key) ? 1 : 0;
        --titles;
    }
    if (titles <= 0)
        return {};
    const auto take = std::min<std::size_t>(std::size_t(std::max(n, 0)), keys.size());
    std::partial_sort(keys.begin(), keys.begin() + std::ptrdiff_t(take), keys.end(),
                      [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    QVector<MarketWord> out;
    for (std::size_t i = 0; i < take && keys[i].second > 0; ++i) {
        const auto &forms = words.forms.at(keys[i].first);
        const auto form = std::max_element(forms.begin(), forms.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        const double place = words.places.count(keys[i].first) ? words.places.at(keys[i].first) : 0.0;
        out.push_back({form->first, double(keys[i].second) / titles, std::clamp(place / std::max(words.keys.at(keys[i].first), 1), 0.0, 1.0)});
    }
    return out;
}

std::vector<std::pair<ListingIndex::Entry, std::vector<float>>> ListingIndex::confirmedTitled(int limit) const
{
    std::shared_lock lock(m_mutex);
    std::vector<std::size_t> titled;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].confirmed && !m_entries[i].title.trimmed().isEmpty())
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
    return marketWordsOf(categoryId, n, exclude);
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

} // namespace listinglens
