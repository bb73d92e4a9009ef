#include "title_builder.h"

#include "branded_title.h"
#include "photo_text_words.h"
#include "title_words.h"
#include "word_vote.h"

#include <algorithm>
#include <map>

namespace listinglens {

namespace {

const QString kPhotoText = QStringLiteral("photo_text");
const QString kColour = QStringLiteral("colour");

QString capitalised(QString s)
{
    // "iPod" and other names that start lower-case on purpose stay as they are.
    if (!s.isEmpty() && !(s.size() > 1 && s[1].isUpper()))
        s[0] = s[0].toUpper();
    return s;
}

// A word of the category's noun or label, in lower case unless it is a name ("TV", "iPod").
QVector<TitleWord> phraseWords(const QString &phrase, const QString &from)
{
    QVector<TitleWord> out;
    for (const QString &w : phrase.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        out.push_back({w, from});
    return out;
}

// The model-like token read on the brand's own line, when there is one.
QString modelBesideBrand(const PhotoText &text, const FoundBrand &brand)
{
    for (const TextLine &line : text.lines) {
        if (line.box != brand.box)
            continue;
        for (const QString &model : text.models) {
            if (titleTokens(line.text).contains(model, Qt::CaseInsensitive))
                return model;
        }
    }
    return {};
}

} // namespace

namespace {

struct SeenWord {
    int listings = 0;
    double place = 0;                             // summed relative place (0 first .. 1 last)
    std::map<QString, std::pair<int, int>> forms; // spelling -> (titles, -first title): as sellers spell it
    std::map<int, int> at;                        // title -> token index
};

// Word keys of the titles, with where each title has them.
std::map<QString, SeenWord> seenWords(const QStringList &titles)
{
    std::map<QString, SeenWord> seen;
    for (int t = 0; t < int(titles.size()); ++t) {
        const QStringList tokens = titleTokens(titles[t]);
        for (int i = 0; i < int(tokens.size()); ++i) {
            const QString key = wordKey(tokens[i]);
            if (key.isEmpty() || seen[key].at.contains(t))
                continue;
            SeenWord &s = seen[key];
            ++s.listings;
            s.at[t] = i;
            s.place += relativePlace(i, int(tokens.size()));
            auto &form = s.forms.try_emplace(tokens[i], 0, -t).first->second;
            ++form.first;
        }
    }
    return seen;
}

} // namespace

QVector<TitleWord> TitleBuilder::agreedWords(const QStringList &titles)
{
    struct Agreed {
        QString form;
        const SeenWord *seen = nullptr;
        double place = 0;
    };
    const std::map<QString, SeenWord> seen = seenWords(titles);
    std::vector<Agreed> agreed;
    for (const auto &[key, s] : seen) {
        if (s.listings <= kAgreement * double(titles.size()) || s.listings < 2)
            continue;
        const auto form = std::max_element(s.forms.begin(), s.forms.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        agreed.push_back({form->first, &s, s.place / s.listings});
    }
    // Most agreed first when there are too many.
    std::stable_sort(agreed.begin(), agreed.end(), [](const Agreed &a, const Agreed &b) { return a.seen->listings > b.seen->listings; });
    if (int(agreed.size()) > kMaxWords)
        agreed.resize(std::size_t(kMaxWords));
    // In a seller's order: the most similar title with the most of the words
    // orders those it has; the others keep their mean place among the titles.
    int reference = -1, most = 0;
    for (int t = 0; t < int(titles.size()); ++t) {
        const int has = int(std::count_if(agreed.begin(), agreed.end(), [&](const Agreed &a) { return a.seen->at.contains(t); }));
        if (has > most) {
            most = has;
            reference = t;
        }
    }
    const int length = reference >= 0 ? int(titleTokens(titles[reference]).size()) : 0;
    for (Agreed &a : agreed) {
        if (const auto i = a.seen->at.find(reference); i != a.seen->at.end())
            a.place = length > 1 ? double(i->second) / double(length - 1) : 0.0;
    }
    std::stable_sort(agreed.begin(), agreed.end(), [](const Agreed &a, const Agreed &b) { return a.place < b.place; });
    QVector<TitleWord> out;
    for (const Agreed &a : agreed)
        out.push_back({a.form, QStringLiteral("similar")});
    return out;
}

namespace {

// What names the item when no listing does: the model's label when it is
// confident and belongs to the category, else the category's noun. The
// catch-all's noun ("Item") names nothing: a label names the item, the most
// probable one of a category of items when there is one (a laptop in a photo
// of a room), else the top one (a sailboat), however unsure.
QVector<TitleWord> itemNoun(const TitleEvidence &e)
{
    const Category &category = *e.category;
    if (category.catchAll) {
        const LabelScore &named = e.itemLabel.name.isEmpty() ? e.label : e.itemLabel;
        if (!named.name.isEmpty())
            return phraseWords(named.name, QStringLiteral("label"));
    }
    if (e.labelInCategory && e.label.probability >= TitleBuilder::kConfidentLabel && !category.catchAll)
        return phraseWords(e.label.name, QStringLiteral("label"));
    return phraseWords(category.noun, QStringLiteral("category"));
}

// A word that says what the item is like, not what it is ("Black", "New", "Small").
bool onlyDescribes(const TitleWord &w)
{
    static const QSet<QString> words = {
        QStringLiteral("black"), QStringLiteral("white"), QStringLiteral("grey"),  QStringLiteral("gray"),      QStringLiteral("red"),
        QStringLiteral("orange"), QStringLiteral("brown"), QStringLiteral("beige"), QStringLiteral("yellow"),    QStringLiteral("green"),
        QStringLiteral("blue"),  QStringLiteral("purple"), QStringLiteral("pink"),  QStringLiteral("silver"),    QStringLiteral("gold"),
        QStringLiteral("new"),   QStringLiteral("used"),   QStringLiteral("small"), QStringLiteral("large"),     QStringLiteral("big"),
        QStringLiteral("size"),  QStringLiteral("good"),   QStringLiteral("excellent"), QStringLiteral("condition"), QStringLiteral("brand")};
    const QStringList tokens = titleTokens(w.word);
    return std::all_of(tokens.begin(), tokens.end(), [](const QString &t) { return words.contains(wordKey(t)); });
}

} // namespace

QVector<TitleWord> TitleBuilder::words(const TitleEvidence &e)
{
    const Category &category = *e.category;
    if (!e.neighbours.isEmpty() && e.neighbours.first().similarity >= kNearCopy && !e.neighbours.first().title.trimmed().isEmpty())
        return {{e.neighbours.first().title.trimmed(), QStringLiteral("nearest")}};
    if (QVector<TitleWord> voted = WordVote::words(e); !voted.isEmpty()) {
        // Words that only say what the item is like ("Black") need what names it.
        if (std::all_of(voted.begin(), voted.end(), onlyDescribes))
            voted += itemNoun(e);
        return voted;
    }
    // Their agreed words are credited to "similar listings": only those shown (kSimilarFloor) agree.
    QStringList close;
    for (const NeighbourTitle &n : e.neighbours) {
        if (n.similarity >= std::max(kCloseListing, kSimilarFloor) && !n.title.trimmed().isEmpty() && close.size() < kCloseListings)
            close << n.title.trimmed();
    }
    if (close.size() >= kMinCloseListings) {
        if (QVector<TitleWord> agreed = agreedWords(close); !agreed.isEmpty())
            return agreed;
    }
    // The most used word that may stand in a title ("available", one seller's word, the "cm" of "50 cm" never do).
    const auto market = std::find_if(e.marketWords.begin(), e.marketWords.end(), WordVote::sellersWord);
    if (market != e.marketWords.end() && market->share >= kMarketWord && !category.catchAll)
        return {{market->word, QStringLiteral("market")}};
    QVector<TitleWord> out;
    if (!e.colour.isEmpty() && e.colourShare >= kObjectColour)
        out.push_back({e.colour, kColour});
    return out + itemNoun(e);
}

QString TitleBuilder::render(const QVector<TitleWord> &words)
{
    QStringList parts;
    for (const TitleWord &w : words)
        parts << w.word;
    return capitalised(parts.join(QLatin1Char(' ')));
}

QString TitleBuilder::basisOf(const QVector<TitleWord> &words)
{
    static const QStringList strongestFirst = {kPhotoText, QStringLiteral("nearest"), QStringLiteral("similar"),
                                               QStringLiteral("learned"), QStringLiteral("market"), QStringLiteral("label")};
    for (const QString &basis : strongestFirst) {
        if (std::any_of(words.begin(), words.end(), [&](const TitleWord &w) { return w.from == basis; }))
            return basis;
    }
    return QStringLiteral("category");
}

namespace {

// A noun of the category or a label that started the title, now that words
// go before it: it was capitalised only for starting it ("Generator" in
// "Honda generator"); an acronym ("TV") stays.
void noLongerFirst(TitleWord &w)
{
    const bool named = w.from == QLatin1String("category") || w.from == QLatin1String("label");
    if (named && !(w.word.size() > 1 && w.word[1].isUpper()))
        w.word = w.word.toLower();
}

} // namespace

QVector<TitleWord> wordsSellersWrite(const PhotoText &text, const QStringList &categoryIds, const QVector<TitleWord> &already,
                                     const SellersSpelling &sellers)
{
    if (!sellers)
        return {};
    QSet<QString> seen;
    for (const TitleWord &w : already)
        for (const QString &token : titleTokens(w.word))
            seen.insert(wordKey(token));
    for (const FoundBrand &b : text.brands)
        for (const QString &token : titleTokens(b.name))
            seen.insert(wordKey(token));
    QVector<TitleWord> out;
    for (const TextLine &line : text.lines) {
        if (line.confidence < kReadConfidence || !ownLine(text, line))
            continue;
        for (const QString &token : titleTokens(line.text)) {
            const QString key = wordKey(token);
            const bool word = token.size() >= kMinReadLetters && std::any_of(token.begin(), token.end(), [](QChar c) { return c.isLetter(); });
            if (!word || key.isEmpty() || namesNothing(key) || seen.contains(key) || out.size() >= kMaxReadWords)
                continue;
            for (const QString &categoryId : categoryIds) {
                if (const QString spelled = sellers(key, categoryId); !spelled.isEmpty()) {
                    out.push_back({spelled, kPhotoText});
                    seen.insert(key);
                    break;
                }
            }
        }
    }
    return out;
}

void applyPhotoText(PhotoResult &r, const SellersSpelling &sellers, bool categoryChosen, const IsCatchAll &isCatchAll)
{
    QVector<TitleWord> base;
    for (const TitleWord &w : std::as_const(r.titleWords)) {
        if (w.from != kPhotoText)
            base.push_back(w);
    }
    const PhotoText &text = r.moderation.text;
    const FoundBrand *brand = r.moderation.state == PhotoModeration::State::Done ? brandFor(text.brands, r.category.id) : nullptr;
    if (brand) {
        const QString name = brand->name.trimmed();
        const bool named = std::any_of(base.begin(), base.end(), [&](const TitleWord &w) { return titleNames(w.word, name); });
        if (!named) {
            base.erase(std::remove_if(base.begin(), base.end(), [](const TitleWord &w) { return w.from == kColour; }), base.end());
            QVector<TitleWord> read{{name, kPhotoText}};
            if (const QString model = modelBesideBrand(text, *brand); !model.isEmpty())
                read.push_back({model, kPhotoText});
            if (!base.isEmpty())
                noLongerFirst(base.first());
            base = read + base;
        }
    }
    if (r.moderation.state == PhotoModeration::State::Done) {
        QStringList categories{r.category.id};
        for (const CategoryScore &c : std::as_const(r.categories)) {
            // The catch-all's sellers write every kind of item's words: only its own photos read them.
            if (!categoryChosen && !categories.contains(c.id) && !(isCatchAll && isCatchAll(c.id)))
                categories << c.id;
        }
        const QVector<TitleWord> written = wordsSellersWrite(text, categories, base, sellers);
        if (!written.isEmpty()) {
            // After a brand and a colour, before what names the item.
            const auto after = std::find_if(base.begin(), base.end(), [](const TitleWord &w) { return w.from != kPhotoText && w.from != kColour; });
            if (after != base.end())
                noLongerFirst(*after);
            const auto at = after - base.begin();
            base = base.mid(0, at) + written + base.mid(at);
        }
    }
    if (!base.isEmpty()) {
        r.titleWords = base;
        r.title = TitleBuilder::render(base);
        r.titleBasis = TitleBuilder::basisOf(base);
    }
}

QStringList similarTitles(const PhotoResult &r)
{
    QStringList titles;
    for (const SimilarListing &s : r.similar) {
        if (s.confirmed && s.categoryId == r.category.id && !s.title.trimmed().isEmpty())
            titles << s.title;
    }
    return titles;
}

namespace {

QString listedInSentence(const QString &category)
{
    return QStringLiteral("Listed in %1.").arg(category);
}

} // namespace

void describeWithPhotoText(PhotoResult &r, const SellersSpelling &sellers, bool categoryChosen, const IsCatchAll &isCatchAll)
{
    const bool listed = !r.category.name.isEmpty() && r.description.contains(listedInSentence(r.category.name));
    applyPhotoText(r, sellers, categoryChosen, isCatchAll);
    r.description = listingDescription(r.title, r.titleWords, similarTitles(r), &r.moderation.text, listed ? r.category.name : QString());
}

QString listingDescription(const QString &title, const QVector<TitleWord> &words, const QStringList &similarTitles,
                           const PhotoText *text, const QString &listedIn)
{
    QStringList parts;
    parts << (title.endsWith(QLatin1Char('.')) ? title : title + QLatin1Char('.'));
    QStringList read;
    for (const TitleWord &w : words) {
        if (w.from == kPhotoText)
            read << w.word;
    }
    if (!read.isEmpty())
        parts << QStringLiteral("%1 as read on the item.").arg(read.join(QLatin1Char(' ')));
    if (text) {
        QStringList lines;
        for (const TextLine &line : text->lines) {
            const QString t = line.text.simplified();
            if (ownLine(*text, line) && line.confidence >= 0.7 && t.size() >= 4 && t.size() <= 60 && lines.size() < 2)
                lines << QStringLiteral("\u201c%1\u201d").arg(t);
        }
        if (!lines.isEmpty())
            parts << QStringLiteral("The photo reads %1.").arg(lines.join(QStringLiteral(" and ")));
    }
    // Condition words that at least two close confirmed listings use.
    static const QStringList condition = {QStringLiteral("new"), QStringLiteral("boxed"), QStringLiteral("unused"),
                                          QStringLiteral("sealed"), QStringLiteral("working"), QStringLiteral("excellent"),
                                          QStringLiteral("immaculate"), QStringLiteral("vintage"), QStringLiteral("refurbished"),
                                          QStringLiteral("used"), QStringLiteral("spares")};
    QStringList used;
    for (const QString &word : condition) {
        const auto n = std::count_if(similarTitles.begin(), similarTitles.end(), [&](const QString &t) { return titleTokens(t).contains(word, Qt::CaseInsensitive); });
        if (n >= 2)
            used << word;
    }
    if (!used.isEmpty())
        parts << QStringLiteral("Similar listings here say: %1.").arg(used.join(QStringLiteral(", ")));
    if (!listedIn.isEmpty())
        parts << listedInSentence(listedIn);
    return parts.join(QLatin1Char(' '));
}

} // namespace listinglens
