#include "word_vote.h"

#include "title_words.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens {

namespace {

struct Vote {
    double listings = 0;                      // similarity-weighted listings that have it
    double market = 0;                        // share of the category's titles
    double place = 0;                         // summed relative place in the titles (0 first .. 1 last)
    std::map<QString, double> forms;          // spelling -> weight
    std::map<int, double> at;                 // voting title -> relative place
    double likely = 0;
};

// A word that can stand in a title alone: it has a letter ("2019" or "10" is a torn fragment).
bool standsAlone(const QString &token)
{
    return std::any_of(token.begin(), token.end(), [](QChar c) { return c.isLetter(); });
}

std::map<QString, Vote> votes(const TitleEvidence &e, double &total)
{
    std::map<QString, Vote> out;
    total = 0;
    int t = 0;
    for (const NeighbourTitle &n : e.nearby) {
        if (t >= WordVote::kListings)
            break;
        const QStringList tokens = titleTokens(n.title);
        if (tokens.isEmpty() || n.similarity < WordVote::kMinSimilarity)
            continue;
        const double weight = std::pow(std::max(n.similarity, 0.0), WordVote::kSharpness);
        total += weight;
        for (int i = 0; i < int(tokens.size()); ++i) {
            const QString key = wordKey(tokens[i]);
            if (key.isEmpty() || !standsAlone(tokens[i]) || out[key].at.contains(t))
                continue;
            Vote &v = out[key];
            const double place = tokens.size() > 1 ? double(i) / double(tokens.size() - 1) : 0.0;
            v.at[t] = place;
            v.listings += weight;
            v.place += place;
            v.forms[tokens[i]] += weight;
        }
        ++t;
    }
    if (!e.category || e.category->catchAll)
        return out; // the catch-all's words say nothing of the item
    for (const MarketWord &m : e.marketWords) {
        const QString key = wordKey(m.word);
        if (key.isEmpty() || !standsAlone(m.word))
            continue;
        Vote &v = out[key];
        v.market = m.share;
        v.forms[m.word] += 1e-9; // a spelling when no listing has it
    }
    return out;
}

} // namespace

QVector<TitleWord> WordVote::words(const TitleEvidence &e)
{
    double total = 0;
    std::map<QString, Vote> all = votes(e, total);
    const double neighbourWeight = total > 0 ? kNeighbourWeight : 0.0;
    std::vector<std::pair<QString, Vote *>> kept;
    for (auto &[key, v] : all) {
        v.likely = neighbourWeight * (total > 0 ? v.listings / total : 0.0) + (1 - neighbourWeight) * v.market;
        if (v.likely >= kLikely)
            kept.emplace_back(key, &v);
    }
    std::stable_sort(kept.begin(), kept.end(), [](const auto &a, const auto &b) { return a.second->likely > b.second->likely; });
    if (int(kept.size()) > TitleBuilder::kMaxWords)
        kept.resize(std::size_t(TitleBuilder::kMaxWords));
    // One seller's words in that seller's order: the title that has the most of
    // them (by likelihood; equally, the closest) orders them, and words no
    // listing has that title's company are left out, so words of different
    // titles are never spliced into one ("Samsung Apple iPhone").
    std::map<int, double> has;
    for (const auto &[key, v] : kept)
        for (const auto &[title, place] : v->at)
            has[title] += v->likely;
    int reference = -1;
    double most = 0;
    for (const auto &[title, sum] : has) {
        if (sum > most) {
            most = sum;
            reference = title;
        }
    }
    if (reference >= 0)
        kept.erase(std::remove_if(kept.begin(), kept.end(), [&](const auto &k) { return !k.second->at.contains(reference); }), kept.end());
    std::vector<std::pair<double, TitleWord>> placed;
    for (const auto &[key, v] : kept) {
        const auto here = v->at.find(reference);
        const double place = here != v->at.end() ? here->second : !v->at.empty() ? v->place / double(v->at.size()) : 1.0;
        const auto form = std::max_element(v->forms.begin(), v->forms.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        const bool fromListings = neighbourWeight * (total > 0 ? v->listings / total : 0.0) >= (1 - neighbourWeight) * v->market;
        placed.push_back({place, {form->first, fromListings ? QStringLiteral("similar") : QStringLiteral("market")}});
    }
    std::stable_sort(placed.begin(), placed.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QVector<TitleWord> out;
    for (const auto &p : placed)
        out.push_back(p.second);
    return out;
}

} // namespace listinglens
