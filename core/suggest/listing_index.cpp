#include "listing_index.h"

#include "photo_quality.h"

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
    m_codes.insert(m_codes.end(), codes.begin(), codes.end());
    m_scales.push_back(scale);
}

void ListingIndex::confirm(qint64 id, const QString &categoryId, double price, const QString &title)
{
    std::unique_lock lock(m_mutex);
    for (Entry &e : m_entries) {
        if (e.id == id) {
            e.confirmed = true;
            e.categoryId = categoryId;
            e.price = price;
            e.title = title;
            return;
        }
    }
}

void ListingIndex::unconfirm(qint64 id, const QString &suggestedCategoryId)
{
    std::unique_lock lock(m_mutex);
    for (Entry &e : m_entries) {
        if (e.id == id) {
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
    for (int i = 0; i < int(scores.size()); ++i) {
        if (keep(m_entries[std::size_t(i)]))
            candidates.push_back(i);
    }
    const int take = std::min(std::max(k, 0), int(candidates.size()));
    std::partial_sort(candidates.begin(), candidates.begin() + take, candidates.end(),
                      [&](int a, int b) { return scores[std::size_t(a)] > scores[std::size_t(b)]; });
    std::vector<Match> out;
    for (int i = 0; i < take; ++i)
        out.push_back({m_entries[std::size_t(candidates[std::size_t(i)])], double(scores[std::size_t(candidates[std::size_t(i)])])});
    return out;
}

PriceEvidence ListingIndex::evidenceFrom(const std::vector<float> &scores, const QString &categoryId, qint64 exclude) const
{
    PriceEvidence evidence;
    evidence.currency = m_currency;
    auto confirmedInCategory = [&](const Entry &e) { return e.confirmed && e.categoryId == categoryId && e.id != exclude; };
    for (const Match &m : best(scores, kNeighbours, confirmedInCategory)) {
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

std::vector<ListingIndex::Match> ListingIndex::nearest(const std::vector<float> &query, int k, const QString &categoryId,
                                                        bool confirmedOnly) const
{
    std::shared_lock lock(m_mutex);
    const std::vector<float> scores = scoreAll(query);
    return best(scores, k, [&](const Entry &e) {
        return (!confirmedOnly || e.confirmed) && (categoryId.isEmpty() || e.categoryId == categoryId);
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
    return evidenceFrom(scoreAll(query), categoryId);
}

ListingIndex::Lookup ListingIndex::lookup(const std::vector<float> &query, int k, const QString &categoryId,
                                          std::uint64_t phash, int maxHamming, qint64 exclude) const
{
    std::shared_lock lock(m_mutex);
    const std::vector<float> scores = scoreAll(query); // once, for both answers
    Lookup out;
    out.similar = best(scores, k, [exclude](const Entry &e) { return e.id != exclude; });
    out.evidence = evidenceFrom(scores, categoryId, exclude);
    out.duplicate = findDuplicate(phash, maxHamming, exclude);
    return out;
}

} // namespace listinglens
