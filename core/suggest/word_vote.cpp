#include "word_vote.h"

#include "title_words.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens {

namespace {

struct Vote {
    double listings = 0;             // similarity-weighted share of the listings that have it
    double categories = 0;           // probability-weighted share of the categories' titles
    double learned = 0;              // the word model's probability
    double placeSum = 0, placeWeight = 0;
    double afterNumber = 0;          // the listings' part where a number goes just before it ("26 inch")
    double closest = 0;              // the most alike listing that has it
    std::map<int, int> at;           // voting title -> the word's index in it
    std::map<QString, double> forms; // spelling -> weight
};

// A word that can stand in a title alone: it has a letter ("2019" or "10" is a
// torn fragment) and more than one character (the "s" of "Men s").
bool standsAlone(const QString &token)
{
    return token.size() > 1 && std::any_of(token.begin(), token.end(), [](QChar c) { return c.isLetter(); });
}

// A category's probability as a weight: what is not a probability (NaN, below 0) weighs nothing.
double weightOf(double probability)
{
    return std::isfinite(probability) && probability > 0 ? std::min(probability, 1.0) : 0.0;
}

// One group of listings' votes, each listing's weight its similarity to the
// kSharpness-th power, normalised within the group, times `share`; `byPlaces`:
// times the share of the kListings places the group fills too, so that one
// listing barely alike of one of several categories is one voter of kListings,
// not the category's whole say.
// `first`: the index of the group's first voting title among all groups'.
void groupVotes(const QVector<NeighbourTitle> &group, double share, bool byPlaces, int &first, std::map<QString, Vote> &out)
{
    struct Voter {
        QStringList tokens;
        double weight = 0, similarity = 0;
    };
    std::vector<Voter> voters;
    double total = 0;
    for (const NeighbourTitle &n : group) {
        if (int(voters.size()) >= WordVote::kListings)
            break;
        QStringList tokens = titleTokens(n.title);
        if (tokens.isEmpty() || !(n.similarity >= WordVote::kMinSimilarity))
            continue;
        const double weight = std::pow(n.similarity, WordVote::kSharpness);
        total += weight;
        voters.push_back({std::move(tokens), weight, n.similarity});
    }
    const double filled = byPlaces ? double(voters.size()) / WordVote::kListings : 1.0;
    for (int t = 0; t < int(voters.size()); ++t) {
        const auto &[tokens, similar, similarity] = voters[std::size_t(t)];
        const double weight = share * filled * similar / total;
        QSet<QString> counted;
        for (int i = 0; i < int(tokens.size()); ++i) {
            const QString key = wordKey(tokens[i]);
            if (key.isEmpty() || !standsAlone(tokens[i]) || namesNothing(key) || counted.contains(key))
                continue;
            counted.insert(key);
            Vote &v = out[key];
            v.listings += weight;
            v.afterNumber += i > 0 && numberOnly(tokens[i - 1]) ? weight : 0.0;
            v.closest = std::max(v.closest, similarity);
            v.placeSum += weight * relativePlace(i, int(tokens.size()));
            v.placeWeight += weight;
            v.forms[tokens[i]] += weight;
            v.at[first + t] = i;
        }
    }
    first += int(voters.size());
}

// The listings' votes. A given category (a moderator's): its closest listings
// (`nearby`). As suggested: each category the photo may be in (the catch-all
// too: its listings are what the photo looks like) has its own closest
// listings vote, weighing P(category)^kCategorySharpness normalised over the
// categories, so a wrong top category with the right second still gives that
// category's words, and a word of another item's listings that happen to be
// close counts less. Where no category has listings, or no category has a
// probability, no listing votes: the closest listings of other categories are
// other items, and the categories' and the word model's words decide.
// One listing alone less alike than those shown (kSimilarFloor) would write
// its seller's whole title as the market's words: it does not vote.
// Runs first: `out` holds the listings' votes only.
void listingVotes(const TitleEvidence &e, std::map<QString, Vote> &out)
{
    int voters = 0;
    if (!e.suggested) {
        groupVotes(e.nearby, 1.0, false, voters, out);
    } else {
        double total = 0;
        for (const CategoryWords &c : e.categoryWords)
            total += std::pow(weightOf(c.probability), WordVote::kCategorySharpness);
        for (const CategoryWords &c : e.categoryWords) {
            if (total > 0)
                groupVotes(c.nearby, std::pow(weightOf(c.probability), WordVote::kCategorySharpness) / total, true, voters, out);
        }
    }
    if (voters == 1 && std::all_of(out.begin(), out.end(), [](const auto &v) { return v.second.closest < kSimilarFloor; }))
        out.clear();
}

// The categories' votes: each category's share of titles with the word, times
// the category's probability; a given category's (a moderator's) words weigh 1.
void categoryVotes(const TitleEvidence &e, std::map<QString, Vote> &out)
{
    QVector<CategoryWords> categories = e.categoryWords;
    if (!e.suggested) {
        categories.clear();
        if (e.category && !e.category->catchAll)
            categories.push_back({1.0, e.marketWords, {}});
    }
    for (const CategoryWords &c : std::as_const(categories)) {
        for (const MarketWord &m : c.words) {
            const QString key = wordKey(m.word);
            if (!WordVote::sellersWord(m))
                continue;
            Vote &v = out[key];
            const double weight = weightOf(c.probability) * m.share;
            v.categories += weight;
            if (m.place >= 0) {
                v.placeSum += weight * m.place;
                v.placeWeight += weight;
            }
            v.forms[m.word] += 1e-9 * weight; // a spelling when no listing has it
        }
    }
}

// The word model's probabilities (learned from the market's confirmed titles).
void learnedVotes(const TitleEvidence &e, std::map<QString, Vote> &out)
{
    for (const MarketWord &m : e.learnedWords) {
        const QString key = wordKey(m.word);
        if (key.isEmpty() || !standsAlone(m.word) || namesNothing(key))
            continue;
        Vote &v = out[key];
        v.learned = std::max(v.learned, m.share);
        if (m.place >= 0) {
            v.placeSum += m.share * m.place;
            v.placeWeight += m.share;
        }
        v.forms[m.word] += 1e-6 * m.share; // a spelling when no listing has it
    }
}

// One word in two forms: "box" and "boxe" (the key of "boxes"), "battery" and "batterie".
bool nearDuplicate(const QString &a, const QString &b)
{
    const QString &shorter = a.size() <= b.size() ? a : b;
    const QString &longer = a.size() <= b.size() ? b : a;
    static const QStringList esPlural = {QStringLiteral("s"), QStringLiteral("x"), QStringLiteral("z"), QStringLiteral("ch"), QStringLiteral("sh")};
    const bool es = longer == shorter + QLatin1Char('e')
                    && std::any_of(esPlural.begin(), esPlural.end(), [&](const QString &end) { return shorter.endsWith(end); });
    const bool ies = shorter.endsWith(QLatin1Char('y')) && longer == shorter.chopped(1) + QStringLiteral("ie");
    return es || ies;
}

// +1 when sellers write `a` before `b`, -1 after, 0 when it cannot be told.
int precedence(const WordVote::Scored &a, const WordVote::Scored &b)
{
    int votes = 0, both = 0;
    for (const auto &[title, index] : a.at) {
        if (const auto other = b.at.find(title); other != b.at.end()) {
            ++both;
            votes += index < other->second ? 1 : -1;
        }
    }
    if (both > 0)
        return (votes > 0) - (votes < 0);
    return (a.place < b.place) - (a.place > b.place);
}

} // namespace

bool WordVote::sellersWord(const MarketWord &m)
{
    const QString key = wordKey(m.word);
    return !key.isEmpty() && standsAlone(m.word) && !namesNothing(key) && m.titles != 1 && !(m.afterNumber > 0.5);
}

std::vector<WordVote::Scored> WordVote::scored(const TitleEvidence &e)
{
    std::map<QString, Vote> all;
    listingVotes(e, all);
    categoryVotes(e, all);
    learnedVotes(e, all);
    const bool learned = !e.learnedWords.isEmpty();
    std::vector<std::pair<QString, Scored>> keyed;
    for (const auto &[key, v] : all) {
        // A word the listings mostly write after a number ("26 inch", "8 GB") is half of a run: without its number, a fragment.
        if (v.listings > 0 && v.afterNumber > 0.5 * v.listings)
            continue;
        Scored s;
        s.word = std::max_element(v.forms.begin(), v.forms.end(), [](const auto &a, const auto &b) { return a.second < b.second; })->first;
        s.listings = std::max(0.0, v.listings - kLoneTitle);
        s.categories = kCategoryWeight * v.categories;
        s.learned = learned ? kLearnedWeight * v.learned : 0.0;
        s.listingShare = v.listings;
        s.categoryShare = v.categories;
        s.probability = v.learned;
        s.likely = learned ? s.learned + (1 - kLearnedWeight) * (s.listings + s.categories) : s.listings + s.categories;
        s.place = v.placeWeight > 0 ? v.placeSum / v.placeWeight : 1.0;
        s.at = v.at;
        s.closest = v.closest;
        keyed.emplace_back(key, s);
    }
    // Equally likely (the words of the same titles): the one sellers write first,
    // so a cut keeps the title's head ("HP Envy laptop"), not its keys' order.
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
        return a.second.likely != b.second.likely ? a.second.likely > b.second.likely : a.second.place < b.second.place;
    });
    // One form of a word: the more likely one stands for both.
    std::vector<Scored> out;
    std::vector<QString> keys;
    for (const auto &[key, s] : keyed) {
        if (std::none_of(keys.begin(), keys.end(), [&](const QString &k) { return nearDuplicate(k, key); })) {
            keys.push_back(key);
            out.push_back(s);
        }
    }
    return out;
}

int WordVote::expectedBest(const std::vector<double> &likely)
{
    int best = 0;
    double bestValue = 0, sum = 0;
    for (int k = 1; k <= std::min(int(likely.size()), kMaxLearnedWords); ++k) {
        sum += likely[std::size_t(k - 1)];
        const double value = sum + kPrecisionWeight * sum / k;
        if (value > bestValue) {
            bestValue = value;
            best = k;
        }
    }
    return best;
}

QVector<TitleWord> WordVote::words(const TitleEvidence &e)
{
    std::vector<Scored> kept = scored(e);
    const bool learned = !e.learnedWords.isEmpty();
    const double floor = learned ? kCandidate : kLikely;
    kept.erase(std::find_if(kept.begin(), kept.end(), [&](const Scored &s) { return s.likely < floor; }), kept.end());
    if (learned) {
        std::vector<double> likely;
        for (const Scored &s : kept)
            likely.push_back(s.likely);
        kept.resize(std::size_t(expectedBest(likely)));
    } else if (int(kept.size()) > kMaxWords) {
        kept.resize(std::size_t(kMaxWords));
    }
    // In the order sellers write them: each word goes before the kept words
    // that the voting titles having both mostly write after it (by their mean
    // place where no title has both); the words before the most others first.
    std::vector<std::pair<int, std::size_t>> order;
    for (std::size_t i = 0; i < kept.size(); ++i) {
        int before = 0;
        for (std::size_t j = 0; j < kept.size(); ++j) {
            if (j != i)
                before += precedence(kept[i], kept[j]);
        }
        order.emplace_back(-before, i);
    }
    std::stable_sort(order.begin(), order.end(), [&](const auto &a, const auto &b) {
        return a.first != b.first ? a.first < b.first : kept[a.second].place < kept[b.second].place;
    });
    QVector<TitleWord> out;
    for (const auto &[rank, i] : order) {
        const Scored &s = kept[i];
        const double top = std::max({s.listings, s.categories, s.learned});
        // "Similar listings" are those the result shows (kSimilarFloor): a word
        // only less alike listings write is this market's word for the category.
        const bool similar = top == s.listings && s.closest >= kSimilarFloor;
        out.push_back({s.word, top == s.learned ? QStringLiteral("learned") : similar ? QStringLiteral("similar") : QStringLiteral("market")});
    }
    return out;
}

} // namespace listinglens
