#include "contact_samples.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <array>

namespace listinglens {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

template <typename T>
const T &pick(const std::vector<T> &from, std::mt19937 &rng)
{
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
}

int uniform(int lo, int hi, std::mt19937 &rng) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// A valid number of the region's plan: its example mobile (or landline)
// number with the last digits drawn again until libphonenumber calls it valid.
PhoneNumber randomNumber(const QString &region, std::mt19937 &rng)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    const auto type = uniform(0, 3, rng) == 0 ? PhoneNumberUtil::FIXED_LINE : PhoneNumberUtil::MOBILE;
    PhoneNumber example;
    util.GetExampleNumberForType(region.toStdString(), type, &example);
    std::string nsn;
    util.GetNationalSignificantNumber(example, &nsn);
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::string digits = nsn;
        for (std::size_t i = digits.size() > 6 ? digits.size() - 6 : 1; i < digits.size(); ++i)
            digits[i] = char('0' + uniform(0, 9, rng));
        PhoneNumber n;
        const QByteArray e164 = QByteArrayLiteral("+") + QByteArray::number(example.country_code()) + QByteArray::fromStdString(digits);
        if (util.Parse(e164.toStdString(), "ZZ", &n) == PhoneNumberUtil::NO_PARSING_ERROR
            && util.IsValidNumber(n))
            return n;
    }
    return example;
}

// Digits in groups of the given sizes (the last takes what is left, and a
// lone digit at the end joins the group before it), joined by sep.
QString grouped(const QString &digits, const std::vector<int> &sizes, const QString &sep, bool bracketFirst)
{
    QStringList parts;
    int at = 0;
    for (std::size_t i = 0; i < sizes.size() && at < digits.size(); ++i) {
        const int n = i + 1 == sizes.size() ? int(digits.size()) - at : std::min(sizes[i], int(digits.size()) - at);
        parts << digits.mid(at, n);
        at += n;
    }
    if (parts.size() > 1 && parts.last().size() < 2) {
        const QString last = parts.takeLast();
        parts.last() += last;
    }
    if (bracketFirst && parts.size() > 1)
        return QStringLiteral("(%1) %2").arg(parts.first(), parts.mid(1).join(sep));
    return parts.join(sep);
}

QString format(const PhoneNumber &n, PhoneNumberUtil::PhoneNumberFormat how)
{
    std::string out;
    PhoneNumberUtil::GetInstance()->Format(n, how, &out);
    return QString::fromStdString(out);
}

// The number as the tuned-on family writes it: libphonenumber's own national
// and international forms, with a word before it at times.
QString tuneForm(const PhoneNumber &n, std::mt19937 &rng)
{
    const QString national = format(n, PhoneNumberUtil::NATIONAL), international = format(n, PhoneNumberUtil::INTERNATIONAL);
    switch (uniform(0, 5, rng)) {
    case 0: return national;
    case 1: return QStringLiteral("Call ") + national;
    case 2: return international;
    case 3: return QStringLiteral("tel: ") + national;
    case 4: return QStringLiteral("WhatsApp ") + format(n, PhoneNumberUtil::E164);
    default: return QString(national).remove(QLatin1Char(' '));
    }
}

// The unseen family: the digits regrouped as people write them (pairs,
// dashes, dots, brackets round the area code), the national trunk prefix
// or the country code, and words of the CIS and UK markets before them.
QString unseenForm(const PhoneNumber &n, const QString &region, std::mt19937 &rng, QString &label)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    std::string nsnStd;
    util.GetNationalSignificantNumber(n, &nsnStd);
    const QString nsn = QString::fromStdString(nsnStd);
    // The trunk prefix sellers of the region put before a national number.
    QString trunk = QStringLiteral("0");
    if (region == QLatin1String("RU") || region == QLatin1String("KZ") || region == QLatin1String("BY"))
        trunk = QStringLiteral("8 ");
    else if (region == QLatin1String("UZ"))
        trunk = QString();
    const bool international = trunk.isEmpty() || uniform(0, 1, rng) == 1;
    const QString prefix = international ? QStringLiteral("+%1 ").arg(n.country_code()) : trunk;
    static const std::vector<std::vector<int>> groupings{{3, 3, 2, 2}, {3, 3, 3}, {3, 3, 4}, {4, 3, 3}, {2, 3, 2, 2}, {3, 7}, {4, 6}};
    static const std::vector<QString> seps{QStringLiteral(" "), QStringLiteral("-"), QStringLiteral("."), QStringLiteral(" ")};
    const QString sep = pick(seps, rng);
    QString number = prefix + grouped(nsn, pick(groupings, rng), sep, uniform(0, 2, rng) == 0);
    if (!international && trunk == QLatin1String("0") && uniform(0, 1, rng) == 0) // "0312-326-5805": the trunk joined to the first group
        number = QStringLiteral("0") + grouped(nsn, {3, 3, 4}, QStringLiteral("-"), false);
    static const std::vector<QString> before{QString(), QString(), QStringLiteral("tel: "), QStringLiteral("Tel. "), QStringLiteral("call "),
                                             QStringLiteral("Тел.: "), QStringLiteral("моб. "), QStringLiteral("Viber: "), QStringLiteral("WhatsApp ")};
    static const std::vector<QString> labels{QStringLiteral("WhatsApp / Viber"), QStringLiteral("Call or text"), QStringLiteral("Звоните"),
                                             QStringLiteral("Contact me")};
    if (uniform(0, 3, rng) == 0)
        label = pick(labels, rng);
    return pick(before, rng) + number;
}

} // namespace

QStringList sampleRegions()
{
    return {QStringLiteral("GB"), QStringLiteral("RU"), QStringLiteral("KZ"), QStringLiteral("KG"), QStringLiteral("UA"), QStringLiteral("BY"),
            QStringLiteral("UZ")};
}

ContactSample phoneSample(const QString &region, SampleFamily family, std::mt19937 &rng)
{
    const PhoneNumber n = randomNumber(region, rng);
    ContactSample s{QStringLiteral("phone"), {}, format(n, PhoneNumberUtil::E164), {}};
    s.text = family == SampleFamily::Tune ? tuneForm(n, rng) : unseenForm(n, region, rng, s.label);
    return s;
}

namespace {

// Names, addresses, handles and links each family writes.
struct Wordings {
    std::vector<QString> names, mails, handleBefore, links;
};

const Wordings &wordings(SampleFamily family)
{
    static const Wordings tune{{QStringLiteral("anna"), QStringLiteral("bob.smith"), QStringLiteral("sellerpro"), QStringLiteral("mike_77"),
                                QStringLiteral("jane.doe"), QStringLiteral("deals4u")},
                               {QStringLiteral("gmail.com"), QStringLiteral("yahoo.co.uk"), QStringLiteral("mail.ru"), QStringLiteral("outlook.com")},
                               {QString(), QStringLiteral("telegram ")},
                               {QStringLiteral("t.me/%1%2"), QStringLiteral("www.%1-shop.com")}};
    static const Wordings unseen{{QStringLiteral("sara"), QStringLiteral("sam.seller"), QStringLiteral("aidana"), QStringLiteral("timur_k"),
                                  QStringLiteral("best.deals"), QStringLiteral("olga.m")},
                                 {QStringLiteral("gmail.com"), QStringLiteral("yandex.ru"), QStringLiteral("hotmail.co.uk"), QStringLiteral("bk.ru"),
                                  QStringLiteral("icloud.com")},
                                 {QString(), QStringLiteral("Insta "), QStringLiteral("TG: "), QStringLiteral("Телеграм ")},
                                 {QStringLiteral("instagram.com/%1%2"), QStringLiteral("wa.me/%1%2"), QStringLiteral("%1shop.ru"),
                                  QStringLiteral("https://%1.store")}};
    static const Wordings wide{{QStringLiteral("dmitry.v"), QStringLiteral("kate_shop"), QStringLiteral("nursultan"), QStringLiteral("lee.bargains"),
                                QStringLiteral("zhanna"), QStringLiteral("tom.r")},
                               {QStringLiteral("inbox.ru"), QStringLiteral("gmail.com"), QStringLiteral("yahoo.com"), QStringLiteral("list.ru"),
                                QStringLiteral("btinternet.com"), QStringLiteral("mail.kz")},
                               {QString(), QStringLiteral("ig: "), QStringLiteral("Telegram: "), QStringLiteral("Инстаграм ")},
                               {QStringLiteral("vk.com/%1%2"), QStringLiteral("t.me/%1"), QStringLiteral("%1.kz"), QStringLiteral("www.%1.co.uk"),
                                QStringLiteral("wa.me/%1%2")}};
    return family == SampleFamily::Tune ? tune : family == SampleFamily::Unseen ? unseen : wide;
}

} // namespace

ContactSample contactSample(int kind, SampleFamily family, std::mt19937 &rng)
{
    static const std::vector<QString> stock{QStringLiteral("shutterstock"), QStringLiteral("alamy"), QStringLiteral("depositphotos"),
                                            QStringLiteral("iStock"), QStringLiteral("Getty Images"), QStringLiteral("dreamstime")};
    const bool tune = family == SampleFamily::Tune;
    const Wordings &w = wordings(family);
    const QString name = pick(w.names, rng);
    const QString number = QString::number(uniform(1, 99, rng));
    switch (kind) {
    case 0: return phoneSample(sampleRegions()[uniform(0, int(sampleRegions().size()) - 1, rng)], family, rng);
    case 1: {
        const QString address = name + number + QLatin1Char('@') + pick(w.mails, rng);
        static const std::vector<QString> before{QString(), QString(), QStringLiteral("email: "), QStringLiteral("Пишите: ")};
        return {QStringLiteral("email"), (tune ? QString() : pick(before, rng)) + address, address, {}};
    }
    case 2: {
        QString handle = QStringLiteral("@") + QString(name).replace(QLatin1Char('.'), QLatin1Char('_')) + number;
        return {QStringLiteral("handle"), pick(w.handleBefore, rng) + handle, handle, {}};
    }
    case 3: {
        const QString user = QString(name).remove(QLatin1Char('.')).remove(QLatin1Char('_'));
        QString link = pick(w.links, rng);
        link = link.contains(QLatin1String("%2")) ? link.arg(user, number) : link.arg(user);
        return {QStringLiteral("url"), link, link.toLower(), {}};
    }
    default: {
        const QString mark = pick(stock, rng);
        return {QStringLiteral("stock"), mark, QString(mark).toLower().remove(QLatin1Char(' ')), {}};
    }
    }
}

} // namespace listinglens
