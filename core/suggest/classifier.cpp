#include "classifier.h"

#include "moderated_result.h"

#include "logging.h"
#include "neighbour_votes.h"
#include "photo_text_words.h"
#include "text_suggester.h"
#include "word_vote.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

namespace listinglens {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0, Clock::time_point t1 = Clock::now())
{
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

ReviewAdvice reviewAdvice(const PhotoResult &r, const Category &top)
{
    ReviewAdvice review;
    if (r.category.confidence < Review::kBelow)
        review.reasons << QStringLiteral("unsure_category");
    if (top.catchAll)
        review.reasons << QStringLiteral("outside_taxonomy");
    if (r.duplicateOf > 0)
        review.reasons << QStringLiteral("duplicate");
    if (std::any_of(r.quality.flags.begin(), r.quality.flags.end(),
                    [](const QString &f) { return f != QLatin1String("duplicate") && !isModerationFlag(f); }))
        review.reasons << QStringLiteral("poor_photo");
    review.reasons << moderationReviewReasons(r.quality.flags);
    review.needed = !review.reasons.isEmpty();
    return review;
}

// The categories of the photo's closest confirmed listings, as the head asks
// for them. The index holds only the model version's own embeddings
// (loadListingIndex), the version the head was trained on. `exclude`: the
// photo's own row, when it is stored and indexed already.
std::vector<double> neighbourVotesOf(const ListingIndex &index, const Taxonomy &taxonomy, const CategoryHead &head,
                                     const ListingIndex::Scores &scores, qint64 exclude = 0)
{
    std::vector<NeighbourVote> near;
    for (const ListingIndex::Match &m : index.nearest(scores, head.neighbourK, {}, true, exclude))
        near.push_back({taxonomy.indexOf(m.entry.categoryId), m.similarity});
    return neighbourVotes(near, head.categories(), head.neighbourPower);
}

// The result's top three categories (and its category, the first) from the
// distribution over the taxonomy's categories; the first's category.
const Category &rankCategories(PhotoResult &r, const std::vector<Category> &cats, const std::vector<double> &mass)
{
    std::vector<int> order(cats.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mass[std::size_t(a)] > mass[std::size_t(b)]; });
    r.categories.clear();
    for (int i = 0; i < std::min<int>(3, int(order.size())); ++i) {
        const Category &c = cats[std::size_t(order[std::size_t(i)])];
        r.categories.push_back({c.id, c.name, mass[std::size_t(order[std::size_t(i)])]});
    }
    r.category = r.categories.front();
    return cats[std::size_t(order.front())];
}

// The head's distribution over the categories, or none where an answer is not
// finite: a head is finite by construction (CategoryHead::fromJson); should one
// not be, the built-in mapping stands, in classify and in categoryMassOf alike.
std::optional<std::vector<double>> headMass(const CategoryHead &head, const float *embedding, const std::vector<double> &builtin,
                                            const std::vector<double> &votes)
{
    std::vector<double> market = head.probabilities(embedding, builtin, votes);
    if (!std::all_of(market.begin(), market.end(), [](double p) { return std::isfinite(p); }))
        return std::nullopt;
    return market;
}

} // namespace

Result<std::unique_ptr<Classifier>> Classifier::create(const ClassifierOptions &options)
{
    const QString modelDir = options.modelDir.isEmpty() ? defaultModelDir() : options.modelDir;
    auto manifest = options.manifestPath.isEmpty() ? ModelManifest::forModelDir(modelDir)
                                                   : ModelManifest::fromFile(options.manifestPath, options.modelDir);
    if (!manifest)
        return manifest.error();
    auto taxonomy = options.taxonomyPath.isEmpty() ? Taxonomy::builtIn() : Taxonomy::fromFile(options.taxonomyPath);
    if (!taxonomy)
        return taxonomy.error();
    if (auto covered = taxonomy.value().checkCovers(int(manifest.value().labels.size())); !covered)
        return covered.error();
    auto engine = InferenceEngine::load(manifest.value(), options.engine);
    if (!engine)
        return engine.error();
    std::unique_ptr<Classifier> classifier(new Classifier(std::move(engine).value(), std::move(taxonomy).value(), options));
    if (!options.headPath.isEmpty()) {
        auto head = CategoryHead::fromFile(options.headPath);
        if (!head)
            return head.error();
        if (auto set = classifier->setHead(std::make_shared<const CategoryHead>(std::move(head).value())); !set)
            return set.error();
        classifier->m_headPinned = true;
    }
    return classifier;
}

Classifier::Classifier(std::unique_ptr<InferenceEngine> engine, Taxonomy taxonomy, const ClassifierOptions &options)
    : m_engine(std::move(engine)), m_taxonomy(std::move(taxonomy)), m_quality(options.quality)
{
}

std::shared_ptr<InferenceEngine> Classifier::engine() const
{
    std::lock_guard lock(m_engineMutex);
    return m_engine;
}

Result<bool> Classifier::setModel(std::unique_ptr<InferenceEngine> engine)
{
    if (!engine)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("no model")};
    const ModelManifest &now = manifest(), &next = engine->manifest();
    if (next.preprocess.cropSize != now.preprocess.cropSize || next.labels != now.labels
        || engine->info().embeddingDim != engineInfo().embeddingDim)
        return Error{ErrorCode::ModelError, QStringLiteral("%1 %2 is not a version of %3 %4 (another input, classes or embedding)")
                                                .arg(next.name, next.version, now.name, now.version)};
    const std::shared_ptr<const CategoryHead> current = head();
    {
        std::lock_guard lock(m_engineMutex);
        m_replaced.push_back(std::move(m_engine));
        m_engine = std::move(engine);
    }
    if (current && !current->checkFits(m_taxonomy, manifest().name, manifest().version, engineInfo().embeddingDim))
        setHead(nullptr);
    qCInfo(lcModel).noquote() << QStringLiteral("model: %1 %2").arg(manifest().name, manifest().version);
    return true;
}

ModelInfo Classifier::modelInfo() const
{
    return {manifest().name, manifest().version, engineInfo().device, headVersion()};
}

Result<bool> Classifier::setHead(std::shared_ptr<const CategoryHead> head)
{
    if (head) {
        if (auto fits = head->checkFits(m_taxonomy, manifest().name, manifest().version, engineInfo().embeddingDim); !fits)
            return fits.error();
    }
    std::lock_guard lock(m_headMutex);
    m_head = std::move(head);
    return true;
}

std::shared_ptr<const CategoryHead> Classifier::head() const
{
    std::lock_guard lock(m_headMutex);
    return m_head;
}

qint64 Classifier::headVersion() const
{
    const auto h = head();
    return h ? h->version : 0;
}

std::vector<double> Classifier::builtinProbabilities(const float *embedding, double norm) const
{
    const ClassifierLayer &layer = engine()->classifierLayer();
    if (!layer.valid())
        return {};
    const std::vector<float> probs = layer.probabilities(embedding, norm);
    return m_taxonomy.categoryProbabilities(probs.data(), layer.classes);
}

std::vector<Result<PhotoResult>> Classifier::finish(std::vector<PreparedPhoto> batch)
{
    std::vector<Result<PhotoResult>> results;
    results.reserve(batch.size());
    std::vector<std::size_t> runnable;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!batch[i].error)
            runnable.push_back(i);
    }
    const std::size_t tensorSize = std::size_t(manifest().preprocess.tensorSize());
    std::vector<float> input(runnable.size() * tensorSize);
    for (std::size_t k = 0; k < runnable.size(); ++k)
        std::copy(batch[runnable[k]].tensor.begin(), batch[runnable[k]].tensor.end(), input.begin() + k * tensorSize);

    const auto t0 = Clock::now();
    auto output = engine()->run(input.data(), int(runnable.size()));
    const double inferenceMs = msSince(t0);

    std::size_t k = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        PreparedPhoto &p = batch[i];
        if (p.error) {
            results.emplace_back(*p.error);
            continue;
        }
        if (!output) {
            results.emplace_back(output.error());
            ++k;
            continue;
        }
        const EngineOutput &o = output.value();
        p.timing.inference = inferenceMs;
        PhotoResult r = suggest(p, o.probabilities.data() + k * o.classes, o.classes,
                                o.embeddingDim ? o.embeddings.data() + k * o.embeddingDim : nullptr, o.embeddingDim);
        if (k < o.embeddingNorms.size())
            r.embeddingNorm = o.embeddingNorms[k];
        results.emplace_back(std::move(r));
        ++k;
    }
    return results;
}

PhotoResult Classifier::suggest(PreparedPhoto &p, const float *probs, int classes, const float *embedding, int embeddingDim) const
{
    PhotoResult r;
    r.file = p.name;
    r.quality = p.quality;
    r.moderation.faces = p.faces;
    if (!p.faces.empty())
        r.quality.flags << QStringLiteral("person_in_photo");
    r.sha256 = p.sha256;
    r.byteSize = p.byteSize;
    r.model = modelInfo();
    if (embedding)
        r.embedding.assign(embedding, embedding + embeddingDim);

    // Category confidence: the built-in mapping's calibrated distribution,
    // or the market's head when one is set.
    const auto &cats = m_taxonomy.categories();
    std::vector<double> mass = m_taxonomy.categoryProbabilities(probs, classes);
    const std::shared_ptr<const CategoryHead> marketHead = head();
    r.model.head = 0;
    // The photo's similarity to every earlier listing, once: for the
    // neighbours' votes and for the lookup of similar listings and prices.
    std::optional<ListingIndex::Scores> scores;
    if (m_index && embedding)
        scores = m_index->score(r.embedding);
    if (marketHead && embedding && embeddingDim == marketHead->dimension) {
        const std::vector<double> votes = marketHead->usesNeighbours() && scores
                                              ? neighbourVotesOf(*m_index, m_taxonomy, *marketHead, *scores)
                                              : std::vector<double>{};
        if (std::optional<std::vector<double>> market = headMass(*marketHead, embedding, mass, votes)) {
            mass = std::move(*market);
            r.categoryMass = mass;
            r.model.head = marketHead->version;
            r.model.headFromFile = m_headPinned;
        }
    }
    const Category &first = rankCategories(r, cats, mass);

    std::vector<int> top(classes);
    std::iota(top.begin(), top.end(), 0);
    const int nLabels = std::min(5, classes);
    std::partial_sort(top.begin(), top.begin() + nLabels, top.end(), [&](int a, int b) { return probs[a] > probs[b]; });
    for (int i = 0; i < nLabels; ++i)
        r.labels.push_back({top[i], manifest().labels.value(top[i]), probs[top[i]]});

    r.colour = p.colour.share >= TextSuggester::kColourShare ? p.colour.name : QString();
    r.colourShare = r.colour.isEmpty() ? 0.0 : p.colour.share;
    describeAs(r, first, p.colour.name, p.colour.share, 0, false, scores ? &*scores : nullptr, true);
    r.timing = p.timing;
    r.timing.total = msSince(p.started);
    return r;
}

void Classifier::describeAs(PhotoResult &r, const Category &category, const QString &colour, double colourShare, qint64 self, bool byModerator,
                            const ListingIndex::Scores *scores, bool suggesting) const
{
    ListingIndex::Lookup earlier;
    if (m_index) {
        const int duplicateMaxHamming = suggesting ? m_quality.duplicateMaxHamming : -1; // -1: none looked for
        // As suggested, the categories the photo may be in bring their title voters from the same pass.
        const ListingIndex::Want want = byModerator ? ListingIndex::Want{} : voters(r);
        earlier = scores ? m_index->lookup(*scores, 5, category.id, r.quality.phash, duplicateMaxHamming, self, want)
                         : m_index->lookup(r.embedding, 5, category.id, r.quality.phash, duplicateMaxHamming, self, want);
    }
    r.price = PriceSuggester::suggest(category, earlier.evidence);
    r.similar.clear();
    for (const ListingIndex::Match &m : earlier.similar)
        r.similar.push_back({m.entry.id, m.similarity, m.entry.categoryId, m.entry.confirmed, m.entry.price, m.entry.fileName, m.entry.title});
    QVector<NeighbourTitle> titles;
    for (const ListingIndex::Match &m : earlier.sameCategory)
        titles.push_back({m.entry.title, m.similarity});
    if (suggesting) {
        r.quality.flags.removeAll(QStringLiteral("duplicate"));
        r.duplicateOf = 0;
        r.duplicateOfFile.clear();
    }
    if (earlier.duplicate) {
        r.duplicateOf = earlier.duplicate->id;
        r.duplicateOfFile = earlier.duplicate->fileName;
        r.quality.flags << QStringLiteral("duplicate");
    }

    TextSuggester::Input in;
    in.category = &category;
    if (!r.labels.isEmpty()) {
        in.topLabel = r.labels.front();
        in.topLabel.name = m_taxonomy.listingName(in.topLabel.index, in.topLabel.name);
        // Labels sellers name alike ("sunglass", "sunglasses") are one label: their probabilities add up.
        for (qsizetype i = 1; i < r.labels.size(); ++i) {
            if (m_taxonomy.listingName(r.labels[i].index, r.labels[i].name).compare(in.topLabel.name, Qt::CaseInsensitive) == 0)
                in.topLabel.probability += r.labels[i].probability;
        }
        in.labelInCategory = m_taxonomy.categoryOfClass(in.topLabel.index) == m_taxonomy.indexOf(category.id);
    }
    for (const LabelScore &l : std::as_const(r.labels)) {
        const int of = m_taxonomy.categoryOfClass(l.index);
        if (of >= 0 && !m_taxonomy.categories()[std::size_t(of)].catchAll && l.probability >= TitleBuilder::kItemLabel) {
            in.itemLabel = l;
            in.itemLabel.name = m_taxonomy.listingName(l.index, l.name);
            break;
        }
    }
    in.colour = colour;
    in.colourShare = colourShare;
    in.quality = r.quality;
    in.neighbours = titles;
    in.marketWords = earlier.marketWords;
    // As suggested, the words and listings of every category the photo may be in; as a moderator chose, the category's alone.
    in.suggested = !byModerator;
    if (byModerator)
        in.nearby = titles;
    else
        in.categoryWords = categoryWords(r, earlier);
    in.learnedWords = learnedWords(r, category);
    const SuggestedText text = TextSuggester::suggest(in);
    r.title = text.title;
    r.titleBasis = text.titleBasis;
    r.titleWords = text.titleWords;
    r.description = text.description;
    r.hints = text.hints;
    // Already read (a correction of the category): the photo's words that fit the new category.
    if (r.moderation.state == PhotoModeration::State::Done) {
        describeWithPhotoText(r, sellersSpelling(), byModerator, isCatchAll());
    }
    r.review = reviewAdvice(r, category);
}

ListingIndex::Want Classifier::voters(const PhotoResult &r) const
{
    ListingIndex::Want want;
    want.words = WordVote::kCategoryWords;
    for (const CategoryScore &c : r.categories) {
        want.categories << c.id;
        // Its listings vote; its words would be dropped (categoryWords), and it has thousands.
        if (const Category *of = m_taxonomy.find(c.id); of && of->catchAll)
            want.nearbyOnly << c.id;
    }
    return want;
}

QVector<CategoryWords> Classifier::categoryWords(const PhotoResult &r, const ListingIndex::Lookup &lookup) const
{
    QVector<CategoryWords> out;
    for (const CategoryScore &c : r.categories) {
        const Category *of = m_taxonomy.find(c.id);
        const auto voters = std::find_if(lookup.voters.begin(), lookup.voters.end(),
                                         [&](const ListingIndex::Lookup::Voters &v) { return v.categoryId == c.id; });
        if (!of || voters == lookup.voters.end())
            continue;
        CategoryWords words;
        words.probability = c.confidence;
        // The catch-all's listings are what the photo looks like, but its
        // sellers' words are of every kind of item: they say nothing of this one.
        if (!of->catchAll)
            words.words = voters->words;
        for (const ListingIndex::Match &m : voters->nearby)
            words.nearby.push_back({m.entry.title, m.similarity});
        out.push_back(std::move(words));
    }
    return out;
}

QVector<MarketWord> Classifier::learnedWords(const PhotoResult &r, const Category &category) const
{
    const std::shared_ptr<const CategoryHead> h = head();
    if (!h || !h->words || !m_index || h->words->dimension != int(r.embedding.size()))
        return {};
    const WordModel &model = *h->words;
    const std::vector<double> p = model.probabilities(r.embedding.data());
    QVector<MarketWord> out;
    for (int k = 0; k < model.words(); ++k) {
        if (p[std::size_t(k)] < kLearnedFloor)
            continue;
        // Only the words the category's sellers write, as they spell them: the
        // model learned from listings of every category, and a correction of
        // the category must be able to undo the words (on the tune split this
        // also kept recall and raised precision, 0.152 / 0.200 to 0.150 / 0.204).
        const QString spelled = m_index->sellersSpelling(model.keys[k], category.id);
        if (!spelled.isEmpty())
            out.push_back({spelled, p[std::size_t(k)], double(model.places[std::size_t(k)])});
    }
    return out;
}

SellersSpelling Classifier::sellersSpelling() const
{
    return sellersSpellingOf(m_index);
}

IsCatchAll Classifier::isCatchAll() const
{
    return [this](const QString &categoryId) {
        const Category *of = m_taxonomy.find(categoryId);
        return of && of->catchAll;
    };
}

std::vector<double> Classifier::neighbourVotes(const CategoryHead &head, const std::vector<float> &embedding, qint64 exclude) const
{
    if (!m_index || !head.usesNeighbours())
        return {};
    return neighbourVotesOf(*m_index, m_taxonomy, head, m_index->score(embedding), exclude);
}

std::vector<double> Classifier::categoryMassOf(const CategoryHead *head, const std::vector<float> &embedding, double norm, qint64 self) const
{
    // The built-in layer reads as many floats as it has dimensions: an embedding of another size has no categories.
    if (int(embedding.size()) != engine()->classifierLayer().dimension)
        return {};
    std::vector<double> mass = builtinProbabilities(embedding.data(), norm);
    if (head && int(mass.size()) == head->categories() && int(embedding.size()) == head->dimension) {
        if (std::optional<std::vector<double>> market = headMass(*head, embedding.data(), mass, neighbourVotes(*head, embedding, self)))
            mass = std::move(*market);
    }
    return mass;
}

bool Classifier::weighPhotoText(PhotoResult &r, const PhotoText &text, qint64 self) const
{
    const std::shared_ptr<const CategoryHead> h = head();
    if (!h || !h->textEvidence || r.model.head != h->version || int(r.embedding.size()) != h->dimension || r.categories.isEmpty())
        return false;
    const QStringList keys = readWordKeys(text);
    if (keys.isEmpty())
        return false;
    // The distribution the photo was suggested with; one suggested before it was
    // kept (read back from the store) gets the head's and its neighbours' as they are now.
    std::vector<double> mass = r.categoryMass;
    if (int(mass.size()) != h->categories()) {
        mass = categoryMassOf(h.get(), r.embedding, r.embeddingNorm, self);
        if (int(mass.size()) != h->categories())
            return false;
    }
    if (!h->textEvidence->apply(mass, keys) || !std::all_of(mass.begin(), mass.end(), [](double p) { return std::isfinite(p); }))
        return false;
    const Category &top = rankCategories(r, m_taxonomy.categories(), mass);
    describeAs(r, top, r.colour, r.colourShare, self);
    return true;
}

Result<PhotoResult> Classifier::describedAs(PhotoResult r, const QString &categoryId, qint64 self, bool byModerator) const
{
    const Category *category = m_taxonomy.find(categoryId);
    if (!category)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("unknown category \"%1\"").arg(categoryId)};
    auto chosen = std::find_if(r.categories.begin(), r.categories.end(), [&](const CategoryScore &c) { return c.id == categoryId; });
    r.category = chosen != r.categories.end() ? *chosen : CategoryScore{category->id, category->name, 0.0};
    describeAs(r, *category, r.colour, r.colourShare, self, byModerator);
    return r;
}

} // namespace listinglens
