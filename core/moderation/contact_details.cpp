#include "contact_details.h"

#include <QRegularExpression>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <set>

namespace listinglens {

namespace {

using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr auto kPattern = QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption;

// What may stand right before a number that is a price, or right after one
// that is a size or an amount, rather than a phone number.
bool pricedOrMeasured(const QString &text, int start, int end)
{
    static const QRegularExpression before(QStringLiteral(R"((?:[£$€₽¥]|\b(?:eur|gbp|usd|rub|руб|price|цена))\s*$)"), kPattern);
    static const QRegularExpression after(
        QStringLiteral(R"(^\s*(?:[£$€₽%]|(?:cm|mm|km|kg|g|m|ml|l|gb|tb|mb|mah|w|v|hz|px|mp|x|eur|gbp|usd|rub|руб|р|см|мм|кг)\b))"), kPattern);
    return before.match(text.left(start).right(12)).hasMatch() || after.match(text.mid(end, 8)).hasMatch();
}

void findPhones(const QString &text, const QString &region, std::vector<ContactDetail> &out)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    const QByteArray utf8 = text.toUtf8();
    PhoneNumberMatcher matcher(util, std::string(utf8.constData(), std::size_t(utf8.size())), region.toStdString(),
                               PhoneNumberMatcher::VALID, /*max_tries=*/256);
    PhoneNumberMatch match;
    while (matcher.HasNext() && matcher.Next(&match)) {
        // The matcher counts bytes of UTF-8; the caller counts QString positions.
        const int start = int(QString::fromUtf8(utf8.constData(), match.start()).size());
        const int length = int(QString::fromUtf8(utf8.constData() + match.start(), match.length()).size());
        if (pricedOrMeasured(text, start, start + length))
            continue;
        std::string e164, international;
        util.Format(match.number(), PhoneNumberUtil::E164, &e164);
        util.Format(match.number(), PhoneNumberUtil::INTERNATIONAL, &international);
        out.push_back({ContactDetail::Kind::Phone, QString::fromStdString(e164), QString::fromStdString(international), start, length});
    }
}

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
        start = end + 1;
    }
    return out;
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
    findPattern(text, url, ContactDetail::Kind::Url, found);
    findPattern(text, handle, ContactDetail::Kind::Handle, found);
    findPattern(text, messenger, ContactDetail::Kind::Messenger, found);
    // ZZ, the unknown region, still finds numbers written with +country code.
    findPhones(text, isKnownPhoneRegion(options.defaultRegion) ? options.defaultRegion.toUpper() : QStringLiteral("ZZ"), found);
    for (const QString &region : options.otherRegions) {
        if (isKnownPhoneRegion(region))
            findPhones(text, region.toUpper(), found);
    }

    // In text order; where two overlap (the domain of an address, a number
    // inside a link), the one that starts first and is longest stands.
    std::sort(found.begin(), found.end(), [](const ContactDetail &a, const ContactDetail &b) {
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
