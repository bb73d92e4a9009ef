#include "brand_list.h"

#include "csv.h"

#include <QBuffer>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace listinglens {

namespace {

Q_LOGGING_CATEGORY(lcBrands, "listinglens.moderation", QtInfoMsg)

constexpr qint64 kMaxFileBytes = 4 << 20;
constexpr int kMaxRows = 20000;
constexpr int kMaxSpellingsPerRow = 32;
constexpr int kMaxNameLength = 60;
constexpr int kMaxLines = 400;           // lines of text looked at per photo
constexpr int kMaxTokensPerLine = 200;   // words looked at per line

struct Token {
    QString folded; // case-folded, accents dropped
    QString alt;    // folded with the digits OCR reads for letters (0 1 5) put back as letters; empty when the same
    QString raw;
};

QString folded(const QString &word)
{
    QString out;
    const QString d = word.normalized(QString::NormalizationForm_D);
    out.reserve(d.size());
    for (QChar c : d) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        out += c;
    }
    return out.toCaseFolded();
}

QString letterised(const QString &f)
{
    int letters = 0, digits = 0;
    for (QChar c : f)
        (c.isLetter() ? letters : digits) += 1;
    if (letters < 3 || digits == 0 || digits > 2)
        return {};
    QString out = f;
    for (QChar &c : out) {
        if (c == QLatin1Char('0'))
            c = QLatin1Char('o');
        else if (c == QLatin1Char('1'))
            c = QLatin1Char('i');
        else if (c == QLatin1Char('5'))
            c = QLatin1Char('s');
        else if (c.isDigit())
            return {};
    }
    return out;
}

// Words: runs of letters and digits; apostrophes inside a word are dropped
// ("Levi's" -> levis), every other character separates.
std::vector<Token> tokensOf(const QString &text, int limit)
{
    std::vector<Token> tokens;
    QString word;
    auto flush = [&] {
        if (!word.isEmpty() && int(tokens.size()) < limit) {
            Token t;
            t.raw = word;
            t.folded = folded(word);
            t.alt = letterised(t.folded);
            tokens.push_back(std::move(t));
        }
        word.clear();
    };
    for (QChar c : text) {
        if (c.isLetterOrNumber())
            word += c;
        else if (c == QLatin1Char('\'') || c == QChar(0x2019) || c == QChar(0x2018) || c == QLatin1Char('`'))
            continue;
        else
            flush();
    }
    flush();
    return tokens;
}

bool hasCamelBoundary(const QString &word)
{
    for (qsizetype i = 1; i < word.size(); ++i)
        if (word[i - 1].isLower() && word[i].isUpper())
            return true;
    return false;
}

// OCR often drops the spaces between words ("OpentheAppleWatch"): the words
// again, split where a lower-case letter meets a capital. Empty when no word splits.
std::vector<Token> camelSplit(const std::vector<Token> &tokens, int limit)
{
    std::vector<Token> out;
    bool split = false;
    for (const Token &t : tokens) {
        qsizetype from = 0;
        for (qsizetype i = 1; i <= t.raw.size() && int(out.size()) < limit; ++i) {
            if (i < t.raw.size() && !(t.raw[i - 1].isLower() && t.raw[i].isUpper()))
                continue;
            split = split || i < t.raw.size();
            Token part;
            part.raw = t.raw.mid(from, i - from);
            part.folded = folded(part.raw);
            part.alt = letterised(part.folded);
            out.push_back(std::move(part));
            from = i;
        }
    }
    return split ? out : std::vector<Token>();
}

Error brandError(ErrorCode code, const QString &what)
{
    return {code, QStringLiteral("brand list: %1").arg(what)};
}

bool validCategoryId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9-]{0,39}$"));
    return re.match(id).hasMatch();
}

int letterCount(const QStringList &tokens)
{
    int n = 0;
    for (const QString &t : tokens)
        n += int(t.size());
    return n;
}

bool matchesAt(const std::vector<Token> &line, size_t at, const QStringList &spelling, bool exactCase, const QStringList &rawSpelling)
{
    if (at + size_t(spelling.size()) > line.size())
        return false;
    for (qsizetype i = 0; i < spelling.size(); ++i) {
        const Token &t = line[at + size_t(i)];
        if (t.folded != spelling[i] && t.alt != spelling[i])
            return false;
        if (exactCase && t.raw != rawSpelling[i] && t.raw != rawSpelling[i].toUpper())
            return false;
    }
    return true;
}

QString digitsOf(const QString &s)
{
    QString d;
    for (QChar c : s)
        if (c.isDigit())
            d += c;
    return d;
}

// A token that a contact detail found on the photo already covers.
bool partOfContact(const QString &token, const std::vector<FoundContact> &contacts)
{
    const QString lower = token.toLower();
    const QString digits = digitsOf(token);
    for (const FoundContact &c : contacts) {
        if (c.detail.value.toLower().contains(lower) || c.detail.display.toLower().contains(lower))
            return true;
        if (digits.size() >= 5 && digitsOf(c.detail.value).contains(digits.right(digits.size() - 1)))
            return true;
    }
    return false;
}

} // namespace

Result<BrandList> BrandList::fromCsv(const QByteArray &csv, const QString &source)
{
    BrandList list;
    list.m_source = source;
    QByteArray bytes = csv;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    int rows = 0, skipped = 0;
    bool headerSeen = false;
    QSet<QString> names;
    auto skip = [&](int line, const QString &why) {
        ++skipped;
        qCWarning(lcBrands).noquote() << QStringLiteral("%1:%2: row skipped: %3").arg(source).arg(line).arg(why);
    };
    const bool closed = readCsv(buffer, [&](int line, const QStringList &fields) {
        if (++rows > kMaxRows)
            return;
        const QString first = fields.value(0).trimmed();
        if (first.startsWith(QLatin1Char('#')))
            return;
        if (!headerSeen && first.compare(QLatin1String("brand"), Qt::CaseInsensitive) == 0) {
            headerSeen = true;
            return;
        }
        if (fields.size() > 4)
            return skip(line, QStringLiteral("more than 4 columns"));
        Entry e;
        e.name = first;
        e.categoryId = fields.value(1).trimmed();
        const QString common = fields.value(3).trimmed().toLower();
        e.commonWord = common == QLatin1String("yes") || common == QLatin1String("true") || common == QLatin1String("1");
        if (e.name.isEmpty() || e.name.size() > kMaxNameLength)
            return skip(line, QStringLiteral("a brand name of 1 to %1 characters is needed").arg(kMaxNameLength));
        if (!e.categoryId.isEmpty() && !validCategoryId(e.categoryId))
            return skip(line, QStringLiteral("\"%1\" is not a category id").arg(e.categoryId.left(40)));
        if (!common.isEmpty() && !e.commonWord && common != QLatin1String("no") && common != QLatin1String("false") && common != QLatin1String("0"))
            return skip(line, QStringLiteral("common_word is yes, no or empty"));
        // A brand's name is matched by its first row; a later row adds its aliases (product lines) only.
        const bool firstRow = !names.contains(e.name.toCaseFolded());
        if (firstRow)
            e.spellings << e.name;
        for (const QString &a : fields.value(2).split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
            const QString alias = a.trimmed();
            if (!alias.isEmpty() && alias.size() <= kMaxNameLength && !e.spellings.contains(alias))
                e.spellings << alias;
        }
        if (e.spellings.isEmpty())
            return skip(line, QStringLiteral("\"%1\" again, with no alias").arg(e.name));
        if (e.spellings.size() > kMaxSpellingsPerRow)
            return skip(line, QStringLiteral("more than %1 spellings").arg(kMaxSpellingsPerRow));
        const int usable = list.addSpellings(e);
        if (usable == 0)
            return skip(line, QStringLiteral("no letters or digits in the brand's name"));
        names.insert(e.name.toCaseFolded());
        list.m_entries.push_back(std::move(e));
    });
    if (!closed)
        return brandError(ErrorCode::InvalidArgument, QStringLiteral("%1: a quoted field is never closed").arg(source));
    if (rows > kMaxRows)
        qCWarning(lcBrands).noquote() << QStringLiteral("%1: only the first %2 rows are read").arg(source).arg(kMaxRows);
    if (list.m_entries.empty())
        return brandError(ErrorCode::InvalidArgument, QStringLiteral("%1 has no usable brand row (%2 skipped)").arg(source).arg(skipped));
    return list;
}

int BrandList::addSpellings(const Entry &e)
{
    const int entry = int(m_entries.size());
    int usable = 0;
    for (const QString &s : e.spellings) {
        Spelling sp;
        QStringList raw;
        for (const Token &t : tokensOf(s, 8)) {
            sp.tokens << t.folded;
            raw << t.raw;
        }
        if (sp.tokens.isEmpty())
            continue;
        sp.entry = entry;
        sp.camel = hasCamelBoundary(s);
        // Two or three letters are too easily read into noise: HP, LG and AEG count in capitals only.
        sp.exactCase = letterCount(sp.tokens) <= 3;
        // The raw spelling is kept in the folded list's place for the case check.
        if (sp.exactCase || e.commonWord)
            sp.tokens << raw; // tokens [0, n) folded, [n, 2n) as listed
        m_spellings.push_back(std::move(sp));
        ++usable;
    }
    return usable;
}

Result<BrandList> BrandList::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return brandError(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileBytes)
        return brandError(ErrorCode::TooLarge, QStringLiteral("%1 is over %2 MB").arg(path).arg(kMaxFileBytes >> 20));
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (bytes.size() > kMaxFileBytes)
        return brandError(ErrorCode::TooLarge, QStringLiteral("%1 is over %2 MB").arg(path).arg(kMaxFileBytes >> 20));
    return fromCsv(bytes, path);
}

const BrandList &BrandList::builtin()
{
    static const BrandList list = [] {
        const QString path = qEnvironmentVariable("LISTINGLENS_BRANDS");
        if (!path.isEmpty()) {
            auto loaded = load(path);
            if (loaded)
                return std::move(loaded).value();
            qCWarning(lcBrands).noquote() << loaded.error().message << QStringLiteral("(LISTINGLENS_BRANDS); the bundled sample list is used");
        }
        auto bundled = load(QStringLiteral(":/listinglens/brands.csv"));
        if (bundled)
            return std::move(bundled).value();
        qCWarning(lcBrands).noquote() << bundled.error().message;
        return BrandList();
    }();
    return list;
}

bool looksLikeModel(const QString &token)
{
    if (token.size() < 4 || token.size() > 12)
        return false;
    int letters = 0, digits = 0;
    bool onlyConfusable = true;
    for (QChar c : token) {
        const char16_t u = c.unicode();
        if (u >= '0' && u <= '9') {
            ++digits;
            onlyConfusable = onlyConfusable && (u == '0' || u == '1');
        } else if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
            ++letters;
            onlyConfusable = onlyConfusable && QStringLiteral("lIioO").contains(c);
        } else if (u != '-') {
            return false;
        }
    }
    if (letters == 0 || digits < 2 || onlyConfusable)
        return false;
    if (token.startsWith(QLatin1Char('-')) || token.endsWith(QLatin1Char('-')) || token.contains(QLatin1String("--")))
        return false;
    // Amounts with their units (16GB, 120cm, 2x16GB, 10-12yrs, 1920x1080, 5th, 12.99GBP), dates (12Jan2019),
    // interface and format names (DDR4, USB3, PS5), UK postcodes (EC1A1BB): details, not models.
    static const QRegularExpression amount(QStringLiteral(
        "^(\\d+[x×])*\\d+(gb|tb|mb|kb|gig|cm|mm|m|km|kg|g|mg|ml|l|ltr|litre|w|kw|kwh|v|mah|ah|hz|khz|mhz|ghz|in|inch|ft|lb|lbs|oz|mp|"
        "p|k|x|pc|pcs|pk|st|nd|rd|th|yr|yrs|y|mo|mth|mths|m|d|h|hr|hrs|min|s|am|pm|gbp|eur|usd|rub|mph|kmh|cc|bhp|hp|ah|db|fps|bit|"
        "core|cores|gen|seater|ply|tog)?$"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression month(QStringLiteral("^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$"),
                                          QRegularExpression::CaseInsensitiveOption);
    bool allAmounts = true; // or dates: 2019-Jan, 12-Mar-2020
    for (const QString &part : token.split(QLatin1Char('-'), Qt::SkipEmptyParts))
        allAmounts = allAmounts && (amount.match(part).hasMatch() || month.match(part).hasMatch());
    if (allAmounts)
        return false;
    static const QRegularExpression other(QStringLiteral(
        "^(\\d{0,2}(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\\d{2,4}"
        "|(ddr|lpddr|gddr|usb|hdmi|pcie|wifi|mp|ps|win|ios|covid|cat|ip|bt|sata|dvb|h)\\d{1,4}"
        "|[a-z]{1,2}\\d[a-z\\d]?\\d[a-z]{2})$"),
        QRegularExpression::CaseInsensitiveOption);
    return !other.match(token).hasMatch();
}

namespace {

// The model-like tokens of a line ("A2337", "WH-1000XM4") not yet seen and not part of a contact.
void addModels(const QString &line, const std::vector<FoundContact> &contacts, QSet<QString> &seen, QStringList &models)
{
    static const QRegularExpression separators(QStringLiteral("[\\s/,;|()\\[\\]{}<>\"]+"));
    static const QRegularExpression edges(QStringLiteral("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$"));
    for (const QString &part : line.split(separators, Qt::SkipEmptyParts).mid(0, kMaxTokensPerLine)) {
        QString token = part;
        token.remove(edges);
        if (!looksLikeModel(token) || partOfContact(token, contacts) || seen.contains(token.toUpper()))
            continue;
        seen.insert(token.toUpper());
        models << token;
    }
}

// The brands found so far, one hit each: on how many lines, and the line
// that shows it best (the most confident, then the tallest).
class BrandHits {
public:
    struct Hit {
        int entry = 0;
        QString categoryId;
        QRect box;
        int lines = 0;
        double confidence = 0;
        int height = 0;
    };

    void add(int entryIndex, const BrandList::Entry &entry, const TextLine &line)
    {
        auto found = m_byName.constFind(entry.name);
        if (found == m_byName.constEnd()) {
            m_byName.insert(entry.name, int(m_hits.size()));
            m_hits.push_back({entryIndex, entry.categoryId, line.box, 0, 0, 0});
            found = m_byName.constFind(entry.name);
        }
        Hit &h = m_hits[size_t(found.value())];
        if (h.categoryId.isEmpty())
            h.categoryId = entry.categoryId;
        ++h.lines;
        if (line.confidence > h.confidence || (line.confidence == h.confidence && line.box.height() > h.height)) {
            h.confidence = line.confidence;
            h.height = line.box.height();
            h.box = line.box;
        }
    }

    // Seen on the most lines first, then the most confident, then the tallest.
    std::vector<Hit> ranked() const
    {
        std::vector<Hit> hits = m_hits;
        std::stable_sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) {
            if (a.lines != b.lines)
                return a.lines > b.lines;
            if (a.confidence != b.confidence)
                return a.confidence > b.confidence;
            return a.height > b.height;
        });
        return hits;
    }

private:
    QHash<QString, int> m_byName; // brand name -> index in m_hits
    std::vector<Hit> m_hits;
};

} // namespace

bool BrandList::names(const QString &word) const
{
    PhotoText alone;
    alone.lines.push_back({word, {}, 1.0, {}});
    findBrands(alone, *this);
    return !alone.brands.empty();
}

void findBrands(PhotoText &text, const BrandList &brands)
{
    BrandHits hits;
    QHash<QString, std::vector<int>> byFirstToken;
    for (int i = 0; i < int(brands.m_spellings.size()); ++i)
        byFirstToken[brands.m_spellings[size_t(i)].tokens.first()].push_back(i);

    QStringList models;
    QSet<QString> seenModels;
    const int nLines = std::min<int>(int(text.lines.size()), kMaxLines);
    for (int li = 0; li < nLines; ++li) {
        const TextLine &line = text.lines[size_t(li)];
        const std::vector<Token> words = tokensOf(line.text, kMaxTokensPerLine);
        QSet<QString> brandsOnLine;
        const auto scan = [&](const std::vector<Token> &tokens, bool camelPass) {
        for (size_t at = 0; at < tokens.size(); ++at) {
            QSet<int> tried;
            for (const QString *key : {&tokens[at].folded, &tokens[at].alt}) {
                auto it = byFirstToken.constFind(*key);
                if (key->isEmpty() || it == byFirstToken.constEnd())
                    continue;
                for (int si : it.value()) {
                    if (tried.contains(si))
                        continue;
                    tried.insert(si);
                    const auto &sp = brands.m_spellings[size_t(si)];
                    if (camelPass && sp.camel)
                        continue; // "PlayStation" is matched whole, not as "Play" "Station"
                    const BrandList::Entry &entry = brands.m_entries[size_t(sp.entry)];
                    const bool caseChecked = sp.exactCase || entry.commonWord;
                    const qsizetype n = caseChecked ? sp.tokens.size() / 2 : sp.tokens.size();
                    const QStringList foldedTokens = sp.tokens.mid(0, n);
                    if (!matchesAt(tokens, at, foldedTokens, sp.exactCase, sp.tokens.mid(n)))
                        continue;
                    if (entry.commonWord && !sp.exactCase && !tokens[at].raw.front().isUpper())
                        continue;
                    if (brandsOnLine.contains(entry.name))
                        continue;
                    brandsOnLine.insert(entry.name);
                    hits.add(sp.entry, entry, line);
                }
            }
        }
        };
        scan(words, false);
        scan(camelSplit(words, kMaxTokensPerLine), true);
        addModels(line.text, text.contacts, seenModels, models);
    }
    text.brands.clear();
    for (const BrandHits::Hit &h : hits.ranked())
        text.brands.push_back({brands.m_entries[size_t(h.entry)].name, h.categoryId, h.box});
    text.models = models;
}

} // namespace listinglens
