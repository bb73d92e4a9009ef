#include "contact_details.h"

#include <QRegularExpression>

#include "phone_numbers.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <set>

namespace listinglens {

namespace {

using i18n::phonenumbers::PhoneNumberUtil;

constexpr auto kPattern = QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption;

QString messengerName(const QString &word)
{
    const QString w = word.toLower();
    if (w.contains(QLatin1String("viber")) || w.contains(QStringLiteral("вайбер")) || w.contains(QStringLiteral("вибер")))
        return QStringLiteral("viber");
    if (w.startsWith(QLatin1String("tele")) || w.startsWith(QStringLiteral("теле")))
        return QStringLiteral("telegram");
    return QStringLiteral("whatsapp");
}

void findPattern(const QString &text, const QRegularExpression &pattern, ContactDetail::Kind kind, std::vector<ContactDetail> &out)
{
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString matched = m.captured(0);
        while (!matched.isEmpty() && QStringLiteral(".,;:!?)").contains(matched.back())) // sentence punctuation after a link
            matched.chop(1);
        ContactDetail d{kind, matched, matched, int(m.capturedStart(0)), int(matched.size())};
        if (kind == ContactDetail::Kind::Email || kind == ContactDetail::Kind::Url)
            d.value = d.display = matched.toLower();
        else if (kind == ContactDetail::Kind::Messenger)
            d.value = d.display = messengerName(matched);
        out.push_back(std::move(d));
    }
}

// OCR in Latin and Cyrillic at once reads Latin contacts with Cyrillic
// look-alikes ("@оlgа25", "те/аппа89"). In a word that also holds Latin
// letters, digits or the marks of an address (@ / . _), each Cyrillic
// letter shaped like a Latin one becomes it; the text keeps its length, so
// positions stand. Words wholly Cyrillic ("телеграм") are left as they are.
// Accented Latin letters in a word with an @, a dot or a slash lose their
// accent.
QString foldHomoglyphs(const QString &text)
{
    static const QString cyrillic = QStringLiteral("аеорсхукмтвнпиАВЕКМНОРСТХУІіјѕ");
    static const QString latin = QStringLiteral("aeopcxykmtbhnuABEKMHOPCTXYIijs");
    QString out = text;
    for (int start = 0; start < out.size();) {
        int end = start;
        while (end < out.size() && !out[end].isSpace())
            ++end;
        bool mixed = false, cyr = false;
        for (int i = start; i < end; ++i) {
            const QChar c = out[i];
            cyr = cyr || cyrillic.contains(c);
            mixed = mixed || (c.unicode() < 128 && (c.isLetterOrNumber() || QStringLiteral("@/._").contains(c)));
        }
        if (mixed && cyr) {
            for (int i = start; i < end; ++i) {
                if (const int k = int(cyrillic.indexOf(out[i])); k >= 0)
                    out[i] = latin[k];
            }
        }
        // An accent OCR put on a letter of a link or an address ("wa.mé/sara42") goes.
        if (std::any_of(out.begin() + start, out.begin() + end, [](QChar c) { return QStringLiteral("@/.").contains(c); })) {
            for (int i = start; i < end; ++i) {
                if (const QString plain = out[i].decomposition(); out[i].unicode() >= 0xC0 && out[i].unicode() < 0x250 && !plain.isEmpty()
                    && plain[0].unicode() < 128 && plain[0].isLetter())
                    out[i] = plain[0];
            }
        }
        // OCR reads an @ as © or ® at times, starting a word ("©olga25") or
        // inside one, between a name and a domain ("anna5©gmail.com"); or
        // reads it twice, as both ("me@®sara43" for "me @sara43"): the
        // one sign stands before the name, the word before apart.
        for (int i = start; i + 2 < end; ++i) {
            const auto copyright = [](QChar c) { return c == QChar(0x00A9) || c == QChar(0x00AE); };
            if (((out[i] == QLatin1Char('@') && copyright(out[i + 1])) || (copyright(out[i]) && out[i + 1] == QLatin1Char('@')))
                && out[i + 2].isLetter()) {
                out[i] = QLatin1Char(' ');
                out[i + 1] = QLatin1Char('@');
            }
        }
        for (int i = start; i + 1 < end; ++i) {
            if ((out[i] == QChar(0x00A9) || out[i] == QChar(0x00AE)) && out[i + 1].isLetter() && (i == start || out[i - 1].isLetterOrNumber()))
                out[i] = QLatin1Char('@');
        }
        start = end + 1;
    }
    return out;
}

// The endings of addresses, and how OCR misreads them: "comm", "corn",
// "con" for com; "do" or "c0" for the co of co.uk.
QString mendedEnding(const QString &label)
{
    static const QStringList com{QStringLiteral("comm"), QStringLiteral("corn"), QStringLiteral("con"), QStringLiteral("cam"),
                                 QStringLiteral("c0m"), QStringLiteral("coom"), QStringLiteral("cor"), QStringLiteral("om")};
    static const QStringList known{QStringLiteral("com"), QStringLiteral("ru"), QStringLiteral("net"), QStringLiteral("org"), QStringLiteral("uk"),
                                   QStringLiteral("de"), QStringLiteral("kz"), QStringLiteral("kg"), QStringLiteral("ua"), QStringLiteral("by"),
                                   QStringLiteral("uz"), QStringLiteral("info"), QStringLiteral("me"), QStringLiteral("io"), QStringLiteral("su")};
    const QString l = label.toLower();
    if (com.contains(l))
        return QStringLiteral("com");
    return known.contains(l) ? l : QString();
}

// Addresses OCR read with a space, a comma or a slash for a dot, a space
// round the @, or a misread ending ("Sara@gmail comm", "jane17@mail/ru",
// "sara7 @hotmail.do.uk"): the address as it was written.
void findMisreadEmails(const QString &text, std::vector<ContactDetail> &out)
{
    static const QRegularExpression misread(
        QStringLiteral(R"(([a-z0-9._%+-]+) ?@ ?([a-z0-9-]+(?:(?: ?[.,/] ?| )[a-z0-9-]{2,6}){1,3})(?![\w.]))"), kPattern);
    static const QRegularExpression between(QStringLiteral(R"( ?[.,/] ?| )"));
    for (auto it = misread.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QStringList labels = m.captured(2).split(between, Qt::SkipEmptyParts);
        // Words after the address ("sara@gmail com today") are not part of it.
        int length = int(m.capturedLength());
        while (labels.size() > 1 && mendedEnding(labels.last()).isEmpty()) {
            length = int(m.captured(0).lastIndexOf(labels.takeLast()));
            while (length > 0 && !m.captured(0)[length - 1].isLetterOrNumber())
                --length;
        }
        const QString ending = mendedEnding(labels.last());
        if (labels.size() < 2 || ending.isEmpty())
            continue;
        labels.last() = ending;
        if (ending == QLatin1String("uk") && labels.size() >= 3 && labels[labels.size() - 2].size() == 2)
            labels[labels.size() - 2] = QStringLiteral("co");
        const QString address = (m.captured(1) + QLatin1Char('@') + labels.join(QLatin1Char('.'))).toLower();
        out.push_back({ContactDetail::Kind::Email, address, address, int(m.capturedStart()), length});
    }
}

// Each match of `pattern` as a detail of `kind` whose value `valueOf` makes.
template <typename ValueOf>
void addEach(const QString &text, const QRegularExpression &pattern, ContactDetail::Kind kind, ValueOf valueOf, std::vector<ContactDetail> &out,
             bool possible = false)
{
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QString value = valueOf(m);
        out.push_back({kind, value, value, int(m.capturedStart()), int(m.capturedLength()), possible});
    }
}

// Addresses OCR read in part: an @ before a mail domain whose name it could
// not read ("mike 771/@gqmail.com"), an ending it ran into the name
// ("mike_7739@aratticom"), or an address cut after the @ ("jane.doe53@ma",
// a name with a digit, a dot or an underscore). Addresses all the same.
void findPartialEmails(const QString &text, std::vector<ContactDetail> &out)
{
    static const QRegularExpression domain(QStringLiteral(R"(@ ?([a-z0-9-]{2,}(?:\.[a-z0-9-]{2,})*\.(?:com|ru|net|org|uk|de|kz|kg|ua|by|uz|su))\b)"), kPattern);
    static const QRegularExpression runTogether(QStringLiteral(R"(\b([a-z0-9._%+-]{3,})@([a-z0-9-]{2,})(com|ru)\b)"), kPattern);
    static const QRegularExpression cut(QStringLiteral(R"((?<![\w.])([a-z0-9._%+-]*[0-9._][a-z0-9._%+-]*)@ ?([a-z]{2,})(?:\.[a-z]?)?$)"), kPattern);
    addEach(text, domain, ContactDetail::Kind::Email, [](const QRegularExpressionMatch &m) { return QStringLiteral("@") + m.captured(1).toLower(); }, out);
    addEach(text, runTogether, ContactDetail::Kind::Email, [](const QRegularExpressionMatch &m) {
        return (m.captured(1) + QLatin1Char('@') + m.captured(2) + QLatin1Char('.') + m.captured(3)).toLower();
    }, out);
    if (const QRegularExpressionMatch m = cut.match(text); m.hasMatch() && m.captured(1).size() >= 3) {
        const QString value = (m.captured(1) + QLatin1Char('@') + m.captured(2)).toLower();
        out.push_back({ContactDetail::Kind::Email, value, value, int(m.capturedStart()), int(m.capturedLength())});
    }
}

// Handles and messenger links OCR read with a space inside ("@ sara43",
// "t. me/anna89", "wa.me /sam28"); for review, as possible contacts, a
// network's page whose dot it read as a space ("vk com/sam"), a
// handle whose @ OCR ran into the word before it ("TGJ@aidana38",
// "Insta@olga_m35", "WeleGram@jane_doe92": the word before may have been
// part of it), and one
// whose @ it lost or read as a letter or a digit ("Wtimur_k43",
// "sam_seller78", "5f_deaisi2"): a name, an underscore, letters and digits,
// as handles are made and words and file names ("IMG_1234", "max_size") are
// not. A digit for the @ is one digit before a letter, and then four letters
// or more after the underscore: specifications are written the same way
// ("16gb_ddr4", "4k_hdr10", "5g_lte4").
void findSpacedHandlesAndLinks(const QString &text, std::vector<ContactDetail> &out)
{
    static const QRegularExpression spacedHandle(QStringLiteral(R"((?<![\w@.])@ ([a-z][a-z0-9_]{3,31})\b(?![.@]\w))"), kPattern);
    static const QRegularExpression gluedHandle(QStringLiteral(R"(\b[a-z]{1,9}@([a-z][a-z0-9_]{3,31})\b(?![.@,]\w| ?[.,] ?[a-z]{2,6}\b))"), kPattern);
    static const QRegularExpression bareHandle(QStringLiteral(R"((?<![\w@./])([a-z][a-z0-9]{1,15}_[a-z]{1,15}\d{1,4}|\d[a-z][a-z0-9]{0,14}_[a-z]{4,15}\d{1,4})\b(?![.@/]\w))"), kPattern);
    static const QRegularExpression messengerLink(QStringLiteral(R"(\b(wa|t) ?[.,] ?me ?/ ?([a-z0-9_]{3,32})\b)"), kPattern);
    // A social network's page with its dot read as a space or a comma ("vk com/sam_seller").
    static const QRegularExpression networkLink(
        QStringLiteral(R"(\b(vk|ok|fb|facebook|instagram) ?(?:,|\s) ?(com|ru) ?/ ?([a-z0-9_.]{3,32})\b)"), kPattern);
    // A link after www whose dots OCR read as commas or spaced, its ending
    // perhaps misread ("ww, deals4u-shop. comm"): for review.
    static const QRegularExpression spacedWww(QStringLiteral(R"(\bw{2,3} ?[.,] ?([a-z0-9-]{3,63}) ?[.,] ?([a-z0-9]{2,4})\b)"), kPattern);
    for (auto it = spacedWww.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (const QString ending = mendedEnding(m.captured(2)); !ending.isEmpty()) {
            const QString link = (QStringLiteral("www.") + m.captured(1) + QLatin1Char('.') + ending).toLower();
            out.push_back({ContactDetail::Kind::Url, link, link, int(m.capturedStart()), int(m.capturedLength()), true});
        }
    }
    const auto handle = [](const QRegularExpressionMatch &m) { return QStringLiteral("@") + m.captured(1); };
    addEach(text, spacedHandle, ContactDetail::Kind::Handle, handle, out);
    addEach(text, gluedHandle, ContactDetail::Kind::Handle, handle, out, true);
    addEach(text, bareHandle, ContactDetail::Kind::Handle, handle, out, true);
    addEach(text, messengerLink, ContactDetail::Kind::Url, [](const QRegularExpressionMatch &m) {
        return (m.captured(1) + QStringLiteral(".me/") + m.captured(2)).toLower();
    }, out);
    addEach(text, networkLink, ContactDetail::Kind::Url, [](const QRegularExpressionMatch &m) {
        return (m.captured(1) + QLatin1Char('.') + m.captured(2) + QLatin1Char('/') + m.captured(3)).toLower();
    }, out, true);
}

} // namespace

QString contactKindName(ContactDetail::Kind kind)
{
    switch (kind) {
    case ContactDetail::Kind::Phone: return QStringLiteral("phone");
    case ContactDetail::Kind::Email: return QStringLiteral("email");
    case ContactDetail::Kind::Url: return QStringLiteral("url");
    case ContactDetail::Kind::Handle: return QStringLiteral("handle");
    case ContactDetail::Kind::Messenger: return QStringLiteral("messenger");
    }
    return {};
}

QStringList ContactOptions::regions() const
{
    QStringList out;
    for (const QString &r : QStringList{defaultRegion} + otherRegions) {
        if (isKnownPhoneRegion(r) && !out.contains(r.toUpper()))
            out << r.toUpper();
    }
    return out;
}

Result<ContactOptions> contactOptionsFor(const QString &regionList)
{
    const QStringList given = regionList.toUpper().split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &r : given) {
        if (!isKnownPhoneRegion(r.trimmed()))
            return Error{ErrorCode::InvalidArgument, QStringLiteral("%1 is not a region libphonenumber knows (GB, RU, KZ, KG, UA, BY, UZ...)").arg(r.trimmed())};
    }
    if (given.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("no phone region given (GB, or a list such as KG,RU,KZ)")};
    ContactOptions options;
    options.defaultRegion = given.first().trimmed();
    if (given.size() > 1) {
        options.otherRegions.clear();
        for (const QString &r : given.mid(1))
            options.otherRegions << r.trimmed();
    }
    return options;
}

bool isKnownPhoneRegion(const QString &region)
{
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(region.toUpper().toStdString()) > 0;
}

std::vector<ContactDetail> findContactDetails(const QString &original, const ContactOptions &options)
{
    static const QRegularExpression email(QStringLiteral(R"([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24})"), kPattern);
    // Links with a scheme or www., and bare domains on the endings sellers use.
    static const QRegularExpression url(
        QStringLiteral(R"((?:https?://|www\.)[^\s<>"']+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|shop|store|online|site|io|me|ru|su|ua|by|kz|uk|de|fr|es|it|pl|nl|рф)(?:/[^\s<>"']*)?(?![\w.]))"),
        kPattern);
    // Telegram and Instagram handles: 5-32 characters after an @ that does not end a word.
    static const QRegularExpression handle(QStringLiteral(R"((?<![\w@.])@[a-z][a-z0-9_]{3,31}\b)"), kPattern);
    static const QRegularExpression messenger(
        QStringLiteral(R"(\b(?:telegram+|whats\s?app|viber|телеграм+|телега|вотсап|ватсап|вацап|вайбер|вибер)\b)"), kPattern);

    const QString text = foldHomoglyphs(original);
    std::vector<ContactDetail> found;
    findPattern(text, email, ContactDetail::Kind::Email, found);
    findMisreadEmails(text, found);
    findPartialEmails(text, found);
    findPattern(text, url, ContactDetail::Kind::Url, found);
    findPattern(text, handle, ContactDetail::Kind::Handle, found);
    findSpacedHandlesAndLinks(text, found);
    findPattern(text, messenger, ContactDetail::Kind::Messenger, found);
    // ZZ, the unknown region, still finds numbers written with +country code.
    QStringList regions = options.regions();
    if (regions.isEmpty())
        regions << QStringLiteral("ZZ");
    for (ContactDetail &d : findPhoneNumbers(text, regions))
        found.push_back(std::move(d));

    // In text order; where two overlap (the domain of an address, a number
    // inside a link), the one that starts first and is longest stands (the
    // first found of equals: an address as written before its misread form).
    std::stable_sort(found.begin(), found.end(), [](const ContactDetail &a, const ContactDetail &b) {
        return a.start != b.start ? a.start < b.start : a.length > b.length;
    });
    std::vector<ContactDetail> out;
    int end = 0;
    for (ContactDetail &d : found) {
        if (d.start < end)
            continue;
        end = d.start + d.length;
        out.push_back(std::move(d));
    }
    return out;
}

QString maskedContact(const ContactDetail &d)
{
    switch (d.kind) {
    case ContactDetail::Kind::Phone: {
        QString masked = d.value;
        int digits = 0;
        for (int i = masked.size() - 1; i >= 0; --i) {
            if (masked[i].isDigit() && ++digits > 2)
                masked[i] = QLatin1Char('x');
        }
        return masked;
    }
    case ContactDetail::Kind::Email: {
        const int at = int(d.value.indexOf(QLatin1Char('@')));
        return d.value.left(1) + QStringLiteral("***") + d.value.mid(at);
    }
    case ContactDetail::Kind::Handle:
        return d.value.left(2) + QStringLiteral("***");
    case ContactDetail::Kind::Url:
    case ContactDetail::Kind::Messenger:
        return d.value;
    }
    return {};
}

} // namespace listinglens
