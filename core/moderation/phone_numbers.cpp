#include "phone_numbers.h"

#include <QRegularExpression>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <optional>

namespace listinglens {

namespace {

using i18n::phonenumbers::PhoneNumber;
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

// A word that says a number is a phone number, just before it.
bool saidToBePhone(const QString &text, int start)
{
    static const QRegularExpression words(
        QStringLiteral(R"((?:\b(?:tel|phone|call|mob|mobile|whats\s?app|viber|telegram|contact|тел|моб|звоните|звонить|номер|вайбер|вотсап)\b)\W{0,4}$)"),
        kPattern);
    return words.match(text.left(start).right(24)).hasMatch();
}

// "tel" or "phone" just before a number, also as OCR misreads "tel": its l
// read as s, i, ! or | with a capital T ("Tes 121 979 43"), or a Cyrillic з
// in capitals ("ТЕЗ"), or its T lost before a colon ("el: 07002964 3").
// Only capitals and a colon: "тез" is a word ("fast"), "E1." an emission
// class, "TE1" a part's prefix.
bool saidToBeTel(const QString &text, int start)
{
    static const QRegularExpression words(
        QStringLiteral(R"((?:\b(?:tel|phone|тел)\b|(?-i:\b[TТ][eE][sSiI!|]|\b[TТ][EЕ]З)(?!\w)|(?:^|\s)(?-i:[eEеЕ][lL!|]):)\W{0,4}$)"),
        kPattern);
    return words.match(text.left(start).right(24)).hasMatch();
}

// A date or a time that overlaps [start, end): "12:30 15.06.2023" holds no
// phone number, whatever libphonenumber reads in its digits.
bool overlapsDateOrTime(const QString &text, int start, int end)
{
    static const QRegularExpression dateOrTime(QStringLiteral(R"(\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b)"));
    for (auto it = dateOrTime.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() < end && start < m.capturedEnd())
            return true;
    }
    return false;
}

ContactDetail phone(const PhoneNumber &n, int start, int length, bool possible)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    std::string e164, international;
    util.Format(n, PhoneNumberUtil::E164, &e164);
    util.Format(n, PhoneNumberUtil::INTERNATIONAL, &international);
    return {ContactDetail::Kind::Phone, QString::fromStdString(e164), QString::fromStdString(international), start, length, possible};
}

void matchValid(const QString &text, const QString &region, std::vector<ContactDetail> &out)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    const QByteArray utf8 = text.toUtf8();
    PhoneNumberMatcher matcher(util, std::string(utf8.constData(), std::size_t(utf8.size())), region.toStdString(), PhoneNumberMatcher::VALID,
                               /*max_tries=*/64);
    PhoneNumberMatch match;
    while (matcher.HasNext() && matcher.Next(&match)) {
        // The matcher counts bytes of UTF-8; the caller counts QString positions.
        const int start = int(QString::fromUtf8(utf8.constData(), match.start()).size());
        const int length = int(QString::fromUtf8(utf8.constData() + match.start(), match.length()).size());
        if (!pricedOrMeasured(text, start, start + length) && !overlapsDateOrTime(text, start, start + length))
            out.push_back(phone(match.number(), start, length, false));
    }
}

QString digitsOnly(const std::string &s)
{
    QString out;
    for (char c : s) {
        if (c >= '0' && c <= '9')
            out += QLatin1Char(c);
    }
    return out;
}

// The number `digits` ("+..." or national) is valid in one of the regions,
// written as that region writes it: a national number with its trunk prefix
// where the region has one (libphonenumber's Parse alone reads "8916..." as
// a UK number).
std::optional<PhoneNumber> validIn(const std::string &digits, const QStringList &regions)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    const bool international = digits[0] == '+';
    for (const QString &region : regions) {
        PhoneNumber n;
        if (util.Parse(digits, region.toStdString(), &n) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(n))
            continue;
        std::string written;
        util.Format(n, international ? PhoneNumberUtil::E164 : PhoneNumberUtil::NATIONAL, &written);
        if (digitsOnly(written) == digitsOnly(digits))
            return n;
        if (international)
            break; // the country code decides: one region is as good as another
    }
    return std::nullopt;
}

// A valid number one digit away: a digit too many, or one misread.
std::optional<PhoneNumber> oneDigitAway(const std::string &digits, const QStringList &regions)
{
    const std::size_t first = digits[0] == '+' ? 1 : 0;
    for (std::size_t i = first; i < digits.size(); ++i) {
        std::string shorter = digits;
        shorter.erase(i, 1);
        if (auto n = validIn(shorter, regions))
            return n;
    }
    for (std::size_t i = first; i < digits.size(); ++i) {
        for (char d = '0'; d <= '9'; ++d) {
            if (d == digits[i])
                continue;
            std::string other = digits;
            other[i] = d;
            if (auto n = validIn(other, regions))
                return n;
        }
    }
    return std::nullopt;
}

// Whether a digit stands next to position i in direction step (-1, +1),
// across one separator at most.
bool digitBeside(const QString &text, int i, int step)
{
    int j = i + step;
    if (j >= 0 && j < text.size() && QStringLiteral(" -.").contains(text[j]))
        j += step;
    return j >= 0 && j < text.size() && text[j].isDigit();
}

// Digits in the next `reach` characters from i.
int digitsAhead(const QString &text, int i, int reach)
{
    const QString ahead = text.mid(i, reach);
    return int(std::count_if(ahead.begin(), ahead.end(), [](QChar c) { return c.isDigit(); }));
}

// OCR reads a digit as a letter inside a number at times: O for 0, l or I
// for 1, S for 5, B for 8, Z for 2. Such a letter with digits on both sides
// ("07377 l10517", "0501 2B8 468"), or an O starting a word of digits
// ("O3118 95870"), is read as the digit it looks like; a $ before eleven
// digits or more (no price is that long) is the + it was. The text keeps
// its length, so positions stand.
QString digitLookAlikes(const QString &text)
{
    static const QString letters = QStringLiteral("OoОоlI|SsBZz"), digits = QStringLiteral("000011155822");
    QString out = text;
    for (int i = 0; i < out.size(); ++i) {
        if (out[i] == QLatin1Char('$') && i + 1 < out.size() && out[i + 1].isDigit() && digitsAhead(out, i + 1, 20) >= 11) {
            out[i] = QLatin1Char('+');
            continue;
        }
        const int k = int(letters.indexOf(out[i]));
        if (k < 0)
            continue;
        const bool wordStart = (i == 0 || !out[i - 1].isLetterOrNumber()) && k < 4 && i + 3 < out.size() && out[i + 1].isDigit()
            && out[i + 2].isDigit() && out[i + 3].isDigit();
        if ((digitBeside(out, i, -1) && digitBeside(out, i, +1)) || wordStart)
            out[i] = digits[k];
    }
    return out;
}

// Digits as a phone number is written: two or more groups of two to six
// digits (the first may be one, a trunk or country prefix), or 10 to 13 in
// one group after a + or a trunk prefix (0, 8).
bool phoneShaped(const QStringList &groups, bool plus)
{
    if (groups.size() < 2)
        return groups.size() == 1 && groups[0].size() >= 10 && groups[0].size() <= 13
            && (plus || groups[0].startsWith(QLatin1Char('0')) || groups[0].startsWith(QLatin1Char('8')));
    for (int i = 0; i < groups.size(); ++i) {
        if (groups[i].size() > 6 || (groups[i].size() < 2 && i > 0))
            return false;
    }
    return true;
}

// A number whose start OCR misread, valid once that is undone: a + read as
// a digit or two before a country code of the regions ("1375 29 491-96-74",
// "45380 3118.63389"), or a group or digits before it that are
// not the number's ("221 0312 530 137", "51050 173 3018" for "tel: 050...":
// a trunk prefix, 0 or 8, must follow what is dropped).
std::optional<PhoneNumber> validAfterMisreadStart(const QStringList &groups, const QStringList &regions)
{
    const QString digits = groups.join(QString());
    // Only to a country code of the regions: any long run is valid somewhere after a +.
    for (int drop = 1; drop <= 2 && digits.size() - drop >= 11; ++drop) {
        const auto n = validIn((QLatin1Char('+') + digits.mid(drop)).toStdString(), regions);
        std::string region;
        if (n)
            PhoneNumberUtil::GetInstance()->GetRegionCodeForNumber(*n, &region);
        if (n && regions.contains(QString::fromStdString(region)))
            return n;
    }
    if (groups.size() >= 3 && groups.front().size() <= 3) {
        if (auto n = validIn(digits.mid(groups.front().size()).toStdString(), regions))
            return n;
    }
    for (int drop = 1; drop <= 2 && drop < groups.front().size(); ++drop) {
        const QString rest = digits.mid(drop);
        if (rest.startsWith(QLatin1Char('0')) || rest.startsWith(QLatin1Char('8'))) {
            if (auto n = validIn(rest.toStdString(), regions))
                return n;
        }
    }
    return std::nullopt;
}

void matchPossible(const QString &text, const QStringList &regions, const std::vector<ContactDetail> &valid, std::vector<ContactDetail> &out)
{
    // Groups apart by spaces, dashes, dots, brackets, slashes, or what OCR
    // reads for one of them (a comma, a degree sign, an apostrophe, a
    // backslash: "+380)31\18.63389").
    static const QRegularExpression run(QStringLiteral(R"((?<![\w.,/])\+?\d(?:[ \-.,()/\\°'’]{0,3}\d){6,15}(?![\w]))"), kPattern);
    static const QRegularExpression groupSplit(QStringLiteral(R"(\D+)"));
    const QString seen = digitLookAlikes(text);
    for (auto it = run.globalMatch(seen); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const int start = int(m.capturedStart()), end = int(m.capturedEnd());
        if (std::any_of(valid.begin(), valid.end(), [&](const ContactDetail &d) { return d.start < end && start < d.start + d.length; }))
            continue;
        const QString written = m.captured();
        if (pricedOrMeasured(seen, start, end) || overlapsDateOrTime(seen, start, end))
            continue;
        const QStringList groups = written.split(groupSplit, Qt::SkipEmptyParts);
        const bool plus = written.startsWith(QLatin1Char('+'));
        std::string digits = plus ? "+" : "";
        digits += groups.join(QString()).toStdString();
        const bool said = saidToBePhone(seen, start);
        // Seven or eight digits are a number cut short only after a word that
        // says so: its end lost to OCR after a + ("tel: +998 91-279"), or its
        // start lost, eight in three groups or more after "tel" as read
        // ("Tes 121 979 43" for "Tel. +996 3121 979 43").
        const std::size_t count = digits.size() - (plus ? 1 : 0);
        const bool tel = saidToBeTel(text, start);
        const bool cutShort = (plus && (said || tel)) || (count == 8 && groups.size() >= 3 && tel);
        if (count < 9 && !cutShort)
            continue;
        if (auto n = validIn(digits, regions)) { // valid once look-alikes and punctuation are read as they were meant
            out.push_back(phone(*n, start, end - start, false));
            continue;
        }
        // A "tel" as OCR misreads it vouches for the cut short numbers above
        // and for a run that starts as a number does, with a trunk prefix
        // ("el: 07002964 3"), not for any run of digits after it.
        const bool vouched = said || count < 9 || (tel && (digits[0] == '0' || digits[0] == '8'));
        if (!phoneShaped(groups, plus) && !vouched)
            continue;
        // For review, as read: the number it may have been is a guess.
        if (plus || vouched || digits[0] == '0' || digits[0] == '8' || oneDigitAway(digits, regions))
            out.push_back({ContactDetail::Kind::Phone, QString::fromStdString(digits), written.trimmed(), start, end - start, true});
        else if (auto n = plus ? std::nullopt : validAfterMisreadStart(groups, regions))
            out.push_back(phone(*n, start, end - start, true));
    }
}

} // namespace

std::vector<ContactDetail> findPhoneNumbers(const QString &text, const QStringList &regions)
{
    std::vector<ContactDetail> found;
    for (const QString &region : regions)
        matchValid(text, region, found);
    // Where two regions read the same digits, the first region's stands.
    std::stable_sort(found.begin(), found.end(), [](const ContactDetail &a, const ContactDetail &b) { return a.start < b.start; });
    std::vector<ContactDetail> valid;
    for (ContactDetail &d : found) {
        if (valid.empty() || d.start >= valid.back().start + valid.back().length)
            valid.push_back(std::move(d));
    }
    std::vector<ContactDetail> out = valid;
    matchPossible(text, regions, valid, out);
    return out;
}

} // namespace listinglens
