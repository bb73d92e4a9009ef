// `listinglens-bench titles`: suggested titles, prices and similar listings
// measured against real sellers' listings. The marketplace set is split by a
// hash of each photo's name (test 20 %, tune 10 %, train 70 %); the learned
// part is stored as `import` stores confirmed listings (a listing index of
// their embeddings, categories, prices and titles, and a category head
// trained on them), then each measured photo is suggested as the product
// suggests it and completed with what the moderation lane reads on it.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "head_trainer.h"
#include "moderated_result.h"
#include "statistics.h"
#include "title_bench_data.h"
#include "title_check.h"
#include "title_words.h"
#include "word_vote.h"
#include "word_trainer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTextStream>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <utility>

namespace listinglens::cli {

namespace {

struct PriceTally {
    int n = 0, inside = 0;
    std::vector<double> widths;
    void add(const PriceSuggestion &p, double truth)
    {
        if (truth <= 0)
            return;
        ++n;
        inside += p.low <= truth && truth <= p.high ? 1 : 0;
        if (p.low > 0)
            widths.push_back(p.high / p.low);
    }
    QJsonObject json() const
    {
        return {{QStringLiteral("listings"), n},
                {QStringLiteral("coverage"), double(inside) / std::max(n, 1)},
                {QStringLiteral("median_width_high_over_low"), widths.empty() ? 0.0 : quantile(widths, 0.5)}};
    }
};

// Shown similar listings (confirmed, at least `floor` alike, at most 5) with the photo's true category.
struct FloorTally {
    double floor = 0;
    int photos = 0, photosShowing = 0, shown = 0, sameCategory = 0;
    QJsonObject json() const
    {
        return {{QStringLiteral("floor"), floor},
                {QStringLiteral("share_of_photos_showing_any"), double(photosShowing) / std::max(photos, 1)},
                {QStringLiteral("mean_shown"), double(shown) / std::max(photos, 1)},
                {QStringLiteral("share_with_true_category"), double(sameCategory) / std::max(shown, 1)}};
    }
};

struct Measured {
    TitleScores first, final, nearestCopy;
    PriceTally price;
    std::vector<FloorTally> floors;
    int categoryRight = 0, photos = 0, unread = 0;
    QJsonArray examples;
    QJsonArray dumped; // each measured photo's evidence, when asked for
};

std::shared_ptr<const CategoryHead> trainHead(const Classifier &classifier, const std::vector<BenchListing> &listings,
                                              const std::vector<SeenPhoto> &seen, const std::vector<bool> &learn, bool wordModel,
                                              QString &note)
{
    std::vector<TrainingExample> examples;
    const Taxonomy &taxonomy = classifier.taxonomy();
    for (std::size_t i = 0; i < listings.size(); ++i) {
        auto example = learn[i] ? trainingExample(classifier, listings[i], seen[i], qint64(i + 1)) : std::nullopt;
        if (example)
            examples.push_back(std::move(*example));
    }
    TrainingOptions options;
    options.modelName = classifier.manifest().name;
    options.modelVersion = classifier.manifest().version;
    auto trained = HeadTrainer::train(examples, taxonomy, nullptr, options);
    if (!trained) {
        note = QStringLiteral("no head (%1): the built-in mapping").arg(trained.error().message);
        return nullptr;
    }
    note = QStringLiteral("a head trained on %1 listings (validation top-1 %2)").arg(examples.size()).arg(trained.value().validation.top1, 0, 'f', 3);
    CategoryHead head = std::move(trained).value().head;
    if (!wordModel)
        note += QStringLiteral("; no title word model");
    else if (auto words = WordTrainer::train(examples, options))
        head.words = std::move(words).value();
    else
        note += QStringLiteral("; %1").arg(words.error().message);
    return std::make_shared<const CategoryHead>(std::move(head));
}

// The photo's categories as the classifier gives them: the mapping, or the
// head's mixture with the votes of the learned listings closest to it.
void categorise(const Classifier &classifier, const CategoryHead *head, PhotoResult &r)
{
    const std::vector<double> mass = classifier.categoryMassOf(head, r.embedding, r.embeddingNorm);
    const auto &cats = classifier.taxonomy().categories();
    if (mass.size() != cats.size()) // an embedding the classifier cannot read: the result stays as classified
        return;
    std::vector<int> order(cats.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mass[std::size_t(a)] > mass[std::size_t(b)]; });
    r.categories.clear();
    for (int i = 0; i < std::min<int>(3, int(order.size())); ++i)
        r.categories.push_back({cats[std::size_t(order[std::size_t(i)])].id, cats[std::size_t(order[std::size_t(i)])].name, mass[std::size_t(order[std::size_t(i)])]});
    r.category = r.categories.front();
}

void measureSimilar(const ListingIndex &index, const PhotoResult &r, const QString &truth, std::vector<FloorTally> &floors)
{
    const auto near = index.nearest(r.embedding, 5, {}, true);
    for (FloorTally &f : floors) {
        int shown = 0;
        for (const auto &m : near) {
            if (m.similarity < f.floor)
                continue;
            ++shown;
            f.sameCategory += m.entry.categoryId == truth ? 1 : 0;
        }
        ++f.photos;
        f.shown += shown;
        f.photosShowing += shown > 0 ? 1 : 0;
    }
}

// What a sample photo's title rests on, to see where the seller's words are lost.
QJsonObject example(const ListingIndex &index, const PhotoResult &r, const BenchListing &l)
{
    QJsonArray nearby, labels;
    for (const auto &n : index.nearest(r.embedding, 5, {}, true))
        nearby.append(QStringLiteral("%1 %2: %3").arg(n.similarity, 0, 'f', 2).arg(n.entry.categoryId, n.entry.title));
    for (const LabelScore &s : r.labels)
        labels.append(QStringLiteral("%1 %2").arg(s.name).arg(s.probability, 0, 'f', 2));
    return {{QStringLiteral("sellers"), l.title}, {QStringLiteral("suggested"), r.title}, {QStringLiteral("basis"), r.titleBasis},
            {QStringLiteral("category"), r.category.id}, {QStringLiteral("true_category"), l.categoryId},
            {QStringLiteral("labels"), labels}, {QStringLiteral("nearby"), nearby}, {QStringLiteral("description"), r.description}};
}

// Everything a title or price of the photo may rest on, for analysis outside the product.
QJsonObject evidence(const ListingIndex &index, const PhotoResult &r, const BenchListing &l)
{
    QJsonArray nearby, categories, words;
    for (const auto &n : index.nearest(r.embedding, 30, {}, true))
        nearby.append(QJsonArray{n.similarity, n.entry.categoryId, n.entry.title, n.entry.price ? QJsonValue(*n.entry.price) : QJsonValue()});
    for (const CategoryScore &c : r.categories)
        categories.append(QJsonArray{c.id, c.confidence});
    for (const TitleWord &w : r.titleWords)
        words.append(QJsonArray{w.word, w.from});
    QJsonObject out = example(index, r, l);
    out.remove(QStringLiteral("nearby"));
    out.insert(QStringLiteral("nearby"), nearby);
    out.insert(QStringLiteral("categories"), categories);
    out.insert(QStringLiteral("words"), words);
    out.insert(QStringLiteral("colour"), QJsonArray{r.colour, r.colourShare});
    QJsonArray read;
    for (const TextLine &line : r.moderation.text.lines)
        read.append(QJsonArray{line.text, line.confidence});
    out.insert(QStringLiteral("read"), read);
    out.insert(QStringLiteral("price"), QJsonArray{l.price, r.price.low, r.price.point, r.price.high, int(r.price.basis)});
    out.insert(QStringLiteral("sellers_words"), int(contentWords(l.title).size()));
    // The photo's own recall and precision (counted: the seller's title has a content word), to pair runs photo by photo.
    const TitleOverlap o = titleOverlap(r.title, l.title);
    out.insert(QStringLiteral("photo"), QFileInfo(l.photo).fileName());
    out.insert(QStringLiteral("overlap"), QJsonArray{o.counted, o.recall, o.precision});
    return out;
}

// Every word the vote weighed for the photo's suggestion, with its evidence and
// whether the seller wrote it: [word, in seller's title, listings' share, the
// categories' share, the word model's probability, voting titles, likelihood,
// the voting titles that have it (each category's in turn, the closest first)].
QJsonArray candidates(const Classifier &classifier, const ListingIndex &index, const PhotoResult &r, const BenchListing &l)
{
    TitleEvidence e;
    e.category = classifier.taxonomy().find(r.category.id);
    if (!e.category)
        return {};
    e.suggested = true;
    e.categoryWords = classifier.categoryWords(r, index.lookup(r.embedding, 5, r.category.id, 0, -1, 0, classifier.voters(r)));
    e.learnedWords = classifier.learnedWords(r, *e.category);
    const QSet<QString> sellers = contentWords(l.title);
    QJsonArray out;
    for (const WordVote::Scored &s : WordVote::scored(e)) {
        QJsonArray titles;
        for (const auto &[title, index] : s.at)
            titles.append(title);
        if (s.likely >= 0.02)
            out.append(QJsonArray{s.word, sellers.contains(wordKey(s.word)), s.listingShare, s.categoryShare, s.probability,
                                  int(s.at.size()), s.likely, titles});
    }
    return out;
}

Measured measure(const Classifier &classifier, const CategoryHead *head, const ListingIndex &index, const std::vector<BenchListing> &listings,
                 std::vector<SeenPhoto> &seen, const std::vector<bool> &measured, int examples, bool dump)
{
    Measured m;
    for (double floor : {0.4, 0.5, 0.6, 0.65, 0.7, 0.75})
        m.floors.push_back({floor});
    for (std::size_t i = 0; i < listings.size(); ++i) {
        if (!measured[i] || !seen[i].ok)
            continue;
        const BenchListing &l = listings[i];
        PhotoResult r = seen[i].result;
        categorise(classifier, head, r);
        auto described = classifier.describedAs(r, r.category.id, 0, false); // as suggested, not as a moderator chose
        if (!described)
            continue;
        r = std::move(described).value();
        ++m.photos;
        m.categoryRight += r.category.id == l.categoryId ? 1 : 0;
        m.first.add(r.title, r.titleWords, r.titleBasis, l.title);
        if (seen[i].read)
            completeModeration(r, ModerationFindings{seen[i].text, {}, {}}, true, classifier.sellersSpelling(), classifier.isCatchAll());
        else
            ++m.unread;
        m.final.add(r.title, r.titleWords, r.titleBasis, l.title);
        const auto nearest = index.nearest(r.embedding, 1, {}, true);
        if (!nearest.empty())
            m.nearestCopy.add(nearest.front().entry.title, {{nearest.front().entry.title, QStringLiteral("nearest")}}, QStringLiteral("nearest"), l.title);
        m.price.add(r.price, l.price);
        measureSimilar(index, r, l.categoryId, m.floors);
        if (m.examples.size() < examples)
            m.examples.append(example(index, r, l));
        if (dump) {
            QJsonObject e = evidence(index, r, l);
            e.insert(QStringLiteral("candidates"), candidates(classifier, index, r, l));
            m.dumped.append(e);
        }
    }
    return m;
}

QJsonObject report(const Measured &m, const QString &split, int learned, const QString &headNote, const Classifier &classifier)
{
    QJsonArray floors;
    for (const FloorTally &f : m.floors)
        floors.append(f.json());
    return {{QStringLiteral("split"), split},
            {QStringLiteral("learned_from"), learned},
            {QStringLiteral("measured"), m.photos},
            {QStringLiteral("not_read"), m.unread},
            {QStringLiteral("category"), headNote},
            {QStringLiteral("category_top1"), double(m.categoryRight) / std::max(m.photos, 1)},
            {QStringLiteral("model"), classifier.manifest().name},
            {QStringLiteral("titles_first"), m.first.json()},
            {QStringLiteral("titles"), m.final.json()},
            {QStringLiteral("nearest_title_copied"), m.nearestCopy.json()},
            {QStringLiteral("price"), m.price.json()},
            {QStringLiteral("similar_floor"), ListingIndex::kSimilarFloor},
            {QStringLiteral("similar_by_floor"), floors},
            {QStringLiteral("examples"), m.examples}};
}

// Writes each measured photo's evidence and the listings learned from to `path` as JSON.
bool writeDump(const QString &path, const Measured &m, const std::vector<BenchListing> &listings, const std::vector<SeenPhoto> &seen,
               const std::vector<bool> &learn)
{
    QFile file(path);
    QJsonArray learnedFrom;
    for (std::size_t i = 0; i < listings.size(); ++i) {
        if (learn[i] && seen[i].ok)
            learnedFrom.append(QJsonArray{listings[i].categoryId, listings[i].title, listings[i].price,
                                          seen[i].result.labels.isEmpty() ? QString() : seen[i].result.labels.front().name});
    }
    const QJsonObject dumped{{QStringLiteral("measured"), m.dumped}, {QStringLiteral("learned"), learnedFrom}};
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(dumped).toJson(QJsonDocument::Compact)) < 0) {
        printError(QStringLiteral("cannot write %1").arg(path));
        return false;
    }
    return true;
}

// The learned listings as `import` stores confirmed ones, in a listing index.
std::shared_ptr<ListingIndex> learnedIndex(const Classifier &classifier, const std::vector<BenchListing> &listings,
                                           const std::vector<SeenPhoto> &seen, const std::vector<bool> &learn)
{
    auto index = std::make_shared<ListingIndex>(classifier.engineInfo().embeddingDim);
    index->setCurrency(QStringLiteral("GBP"));
    for (std::size_t i = 0; i < listings.size(); ++i) {
        const BenchListing &l = listings[i];
        if (learn[i] && seen[i].ok)
            index->add({qint64(i + 1), l.categoryId, true, l.price, seen[i].result.quality.phash, l.photo, l.title}, seen[i].result.embedding);
    }
    return index;
}

// The learned listings as a market holds them: the classifier's listing
// index, and a head trained on them active (its word model titles the photos
// as the product's active head would; null: the mapping).
struct Market {
    std::shared_ptr<const CategoryHead> head;
    std::shared_ptr<ListingIndex> index;
    QString note;
};

Result<Market> learnMarket(Classifier &classifier, const std::vector<BenchListing> &listings, const std::vector<SeenPhoto> &seen,
                           const std::vector<bool> &learn, bool wordModel)
{
    Market market;
    market.head = trainHead(classifier, listings, seen, learn, wordModel, market.note);
    market.index = learnedIndex(classifier, listings, seen, learn);
    classifier.setListingIndex(market.index);
    if (market.head) {
        if (auto set = classifier.setHead(market.head); !set)
            return set.error();
    }
    return market;
}

// A fold of train ("fold3" .. "fold9"): its part (3..9), or -1.
int foldOf(const QString &split)
{
    const bool fold = split.size() == 5 && split.startsWith(QLatin1String("fold")) && split[4] >= QLatin1Char('3') && split[4] <= QLatin1Char('9');
    return fold ? split[4].digitValue() : -1;
}

// Which listings are learned from and which measured: test learns from train
// and tune (parts 2..9) and measures parts 0..1; tune learns from train (3..9)
// and measures part 2; a fold (3..9) of train is measured learning from the others.
void splitListings(const std::vector<BenchListing> &listings, bool test, int fold, std::vector<bool> &learn, std::vector<bool> &measured)
{
    for (const BenchListing &l : listings) {
        if (fold >= 0) {
            learn.push_back(l.part >= 3 && l.part != fold);
            measured.push_back(l.part == fold);
        } else {
            learn.push_back(l.part >= 3 || (test && l.part == 2));
            measured.push_back(test ? l.part <= 1 : l.part == 2);
        }
    }
}

// --learn-from N (0: all) and the --seed S of its draw; null, the usage error
// said, where they are no draw (a seed alone, or with --learn-from 0, would be silently ignored).
std::optional<std::pair<int, quint32>> drawOf(const QCommandLineParser &parser, const QCommandLineOption &n, const QCommandLineOption &seed)
{
    const auto count = intOption(parser, n, 0, 1'000'000);
    const auto drawnWith = intOption(parser, seed, 0, std::numeric_limits<int>::max());
    if (!count || !drawnWith)
        return std::nullopt;
    if (parser.isSet(seed) && (!parser.isSet(n) || *count == 0)) { // 0 learns from all: nothing drawn
        printError(QStringLiteral("--seed draws the listings of --learn-from: give --learn-from N (N > 0) too"));
        return std::nullopt;
    }
    return std::pair{*count, quint32(*drawnWith)};
}

// Of the learned listings with a photo seen, `n` drawn at random with `seed`
// (all when n is 0): how titles grow with the market. False, the error said,
// when fewer than n are there to draw from (a draw smaller than asked for reads as one of n).
bool learnDrawn(std::vector<bool> &learn, const std::vector<SeenPhoto> &seen, int n, quint32 seed)
{
    std::vector<std::size_t> usable;
    for (std::size_t i = 0; i < learn.size(); ++i) {
        if (learn[i] && seen[i].ok)
            usable.push_back(i);
    }
    if (std::size_t(n) > usable.size()) {
        printError(QStringLiteral("--learn-from %1: the split has %2 learning listings with a photo seen").arg(n).arg(usable.size()));
        return false;
    }
    if (n <= 0 || std::size_t(n) == usable.size())
        return true;
    // A partial Fisher-Yates shuffle by QRandomGenerator: the same draw for a seed on every platform.
    QRandomGenerator rng(seed);
    for (std::size_t k = 0; k < std::size_t(n); ++k)
        std::swap(usable[k], usable[k + std::size_t(rng.bounded(quint32(usable.size() - k)))]);
    std::fill(learn.begin(), learn.end(), false);
    for (std::size_t k = 0; k < std::size_t(n); ++k)
        learn[usable[k]] = true;
    return true;
}

} // namespace

int runBenchTitles(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Suggested titles, prices and similar listings against real sellers' listings: learns from one part of\n"
        "the marketplace set (as `import` stores confirmed listings, and a head trained on them), measures on\n"
        "another: word recall and precision against the sellers' titles, price coverage and width, and the\n"
        "share of shown similar listings with the photo's true category by similarity floor. Prints JSON."));
    parser.addHelpOption();
    const QCommandLineOption listingsOption(QStringLiteral("listings"), QStringLiteral("Listings CSV (default: the shared marketplace set)."),
                                            QStringLiteral("CSV"));
    const QCommandLineOption splitOption(QStringLiteral("split"),
                                         QStringLiteral("test: learn from train and tune, measure on test (default); tune: learn from train, measure on tune;\n"
                                                        "fold3 .. fold9: learn from the other six tenths of train, measure on that tenth, without reading its text\n"
                                                        "unless --read-text-on-folds is given "
                                                        "(cross-validation within the training listings)."),
                                         QStringLiteral("SPLIT"), QStringLiteral("test"));
    const QCommandLineOption cacheOption(QStringLiteral("cache"), QStringLiteral("Keep what was seen on each photo in FILE between runs."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption noText(QStringLiteral("no-text"), QStringLiteral("Do not read the photos' text."));
    const QCommandLineOption foldText(QStringLiteral("read-text-on-folds"),
                                      QStringLiteral("On a fold of train, read the measured photos' text as the test and tune splits do."));
    const QCommandLineOption examplesOption(QStringLiteral("examples"), QStringLiteral("Example titles to print (default 20)."),
                                            QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption dumpOption(QStringLiteral("dump"), QStringLiteral("Write each measured photo's evidence (closest 30 confirmed listings, categories, labels, words, price) and its title's recall and precision to FILE as JSON."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption noWords(QStringLiteral("no-word-model"), QStringLiteral("Title without the head's word model (as before it was learned)."));
    const QCommandLineOption drawn(QStringLiteral("learn-from"), QStringLiteral("Learn from N of the learning listings with a photo seen, drawn at random (0, the default: all)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("The draw of --learn-from, which it needs (default 1)."), QStringLiteral("S"), QStringLiteral("1"));
    parser.addOptions({listingsOption, splitOption, cacheOption, noText, foldText, examplesOption, dumpOption, noWords, drawn, seedOption});
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const QString split = parser.value(splitOption);
    const auto examples = intOption(parser, examplesOption, 0, 10000);
    const auto draw = drawOf(parser, drawn, seedOption);
    auto options = classifierOptions(parser, modelOptions);
    const int fold = foldOf(split);
    const bool parsed = options && examples && draw;
    if (!parsed || (split != QLatin1String("test") && split != QLatin1String("tune") && fold < 0)) {
        if (parsed)
            printError(QStringLiteral("--split is test, tune or fold3 .. fold9"));
        return ExitUsage;
    }
    auto opened = openMarketplaceBench(parser.value(listingsOption), *options);
    if (!opened) {
        printError(opened.error().message);
        return ExitSomeFailed;
    }
    const std::vector<BenchListing> &listings = opened.value().listings;
    Classifier *const classifier = opened.value().classifier.get();
    std::vector<bool> learn, measured;
    splitListings(listings, split == QLatin1String("test"), fold, learn, measured);
    const bool read = !parser.isSet(noText) && (fold < 0 || parser.isSet(foldText));
    const std::vector<bool> readText = read ? measured : std::vector<bool>(measured.size(), false);
    auto seen = seePhotos(*classifier, listings, readText, parser.value(cacheOption));
    if (!seen) {
        printError(seen.error().message);
        return ExitSomeFailed;
    }
    if (!learnDrawn(learn, seen.value(), draw->first, draw->second))
        return ExitUsage;
    auto market = learnMarket(*classifier, listings, seen.value(), learn, !parser.isSet(noWords));
    if (!market) {
        printError(market.error().message);
        return ExitSomeFailed;
    }
    const CategoryHead *head = market.value().head.get();
    const Measured m = measure(*classifier, head, *market.value().index, listings, seen.value(), measured, *examples,
                               parser.isSet(dumpOption));
    if (parser.isSet(dumpOption) && !writeDump(parser.value(dumpOption), m, listings, seen.value(), learn))
        return ExitSomeFailed;
    QJsonObject out = report(m, split, int(market.value().index->size()), market.value().note, *classifier);
    if (head && head->words)
        out.insert(QStringLiteral("title_words"), head->words->report);
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return ExitOk;
}

} // namespace listinglens::cli
