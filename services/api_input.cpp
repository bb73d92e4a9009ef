#include "api_input.h"

#include "csv.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>

#include <cmath>

namespace listinglens {

namespace {

Error invalid(const QString &message)
{
    return {ErrorCode::InvalidArgument, message};
}

// The body as a JSON object, or what is wrong with it in the request's terms:
// never the JSON parser's own words (nor its "no error occurred" for valid
// JSON that is not an object).
Result<QJsonObject> jsonObject(const QByteArray &body)
{
    const QByteArray trimmed = body.trimmed();
    const QString example = QStringLiteral("{\"decision\": \"accepted\"}");
    if (trimmed.isEmpty())
        return invalid(QStringLiteral("the body is empty; send a JSON object such as %1").arg(example));
    if (!trimmed.startsWith('{'))
        return invalid(QStringLiteral("the body must be a JSON object such as %1, not %2")
                           .arg(example, trimmed.startsWith('[') ? QStringLiteral("an array") : QStringLiteral("a single value")));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return invalid(QStringLiteral("the body is not valid JSON (it goes wrong at byte %1)").arg(parseError.offset));
    return doc.object();
}

} // namespace

std::optional<QString> normalizedJobId(const QString &text)
{
    if (text.size() != 36)
        return std::nullopt; // only the plain 8-4-4-4-12 form
    const QUuid uuid = QUuid::fromString(text);
    if (uuid.isNull())
        return std::nullopt;
    return uuid.toString(QUuid::WithoutBraces);
}

Result<double> waitSeconds(const QString &text, int maxS)
{
    if (text.isEmpty())
        return 0.0;
    bool ok = false;
    const double wait = text.toDouble(&ok);
    if (!ok || !std::isfinite(wait) || wait < 0 || wait > maxS)
        return invalid(QStringLiteral("wait must be a number of seconds from 0 to %1").arg(maxS));
    return wait;
}

std::optional<QByteArray> bearerToken(const QByteArray &authorization)
{
    constexpr qsizetype kScheme = 7; // "Bearer "
    if (authorization.size() < kScheme || authorization.at(kScheme - 1) != ' '
        || authorization.left(kScheme - 1).compare("bearer", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    return authorization.mid(kScheme).trimmed();
}

QString methodLabel(const QByteArray &method)
{
    static const QByteArray known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    for (const QByteArray &m : known)
        if (method == m)
            return QString::fromLatin1(m);
    return QStringLiteral("other");
}

Result<FeedbackRecord> parseFeedback(const QByteArray &contentType, const QByteArray &body, const PhotoResult *suggested)
{
    const QByteArray type = contentType.split(';').value(0).trimmed().toLower();
    if (type != "application/json")
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("send feedback as application/json (got %1)")
                                                       .arg(type.isEmpty() ? QStringLiteral("no Content-Type") : QString::fromLatin1(type.left(100)))};
    if (body.size() > kMaxFeedbackBody)
        return Error{ErrorCode::TooLarge, QStringLiteral("feedback is at most %1 bytes").arg(kMaxFeedbackBody)};
    if (auto utf8 = checkedText(body, QStringLiteral("the body"), int(kMaxFeedbackBody), true); !utf8)
        return utf8.error();
    auto object = jsonObject(body);
    if (!object)
        return object.error();
    const QJsonObject o = object.value();
    static const QStringList known = {QStringLiteral("decision"), QStringLiteral("moderator"), QStringLiteral("category_id"),
                                      QStringLiteral("price"), QStringLiteral("currency"), QStringLiteral("title"),
                                      QStringLiteral("description")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return invalid(QStringLiteral("unknown field \"%1\" (fields: %2)").arg(it.key().left(50), known.join(QStringLiteral(", "))));

    // A text field: absent takes the fallback, present must be a string.
    const auto text = [&o](const QString &name, const QString &fallback, int maxChars, bool multiline) -> Result<QString> {
        const QJsonValue v = o.value(name);
        if (v.isUndefined())
            return fallback;
        if (!v.isString())
            return invalid(QStringLiteral("%1 must be a string").arg(name));
        return checkedText(v.toString(), name, maxChars, multiline);
    };
    FeedbackRecord f;
    const QJsonValue decision = o.value(QStringLiteral("decision"));
    if (decision != QJsonValue(QStringLiteral("accepted")) && decision != QJsonValue(QStringLiteral("corrected")))
        return invalid(QStringLiteral("decision must be \"accepted\" or \"corrected\""));
    f.corrected = decision == QJsonValue(QStringLiteral("corrected"));
    // What is not given is taken from the suggestion (absent: empty).
    const PhotoResult none;
    const PhotoResult &s = suggested ? *suggested : none;
    auto moderator = text(QStringLiteral("moderator"), QStringLiteral("api"), 200, false);
    auto category = text(QStringLiteral("category_id"), s.category.id, 100, false);
    auto currency = text(QStringLiteral("currency"), s.price.currency, 3, false);
    auto title = text(QStringLiteral("title"), s.title, kMaxTitleChars, false);
    auto description = text(QStringLiteral("description"), s.description, kMaxDescriptionChars, true);
    for (const auto *r : {&moderator, &category, &currency, &title, &description})
        if (!*r)
            return r->error();
    // Exports neutralise + and - (a price, a list); = and @ only start formulas.
    for (const auto *r : {&title, &description})
        if (beginsACellWith(r->value(), u"=@"))
            return invalid(QStringLiteral("%1 must not start with = or @, nor have them after a separator such as ; "
                                          "(a spreadsheet would run it as a formula)")
                               .arg(r == &title ? QStringLiteral("title") : QStringLiteral("description")));
    f.moderator = moderator.value();
    f.categoryId = category.value();
    f.currency = currency.value();
    f.title = title.value();
    f.description = description.value();
    if (f.moderator.trimmed().isEmpty())
        return invalid(QStringLiteral("moderator must be 1 to 200 characters"));
    static const QRegularExpression iso4217(QStringLiteral("^[A-Z]{3}$"));
    if (!f.currency.isEmpty() && !iso4217.match(f.currency).hasMatch())
        return invalid(QStringLiteral("currency must be an ISO 4217 code such as GBP"));
    const QJsonValue p = o.value(QStringLiteral("price"));
    if (!p.isUndefined() && !p.isDouble())
        return invalid(QStringLiteral("price must be a number"));
    // The suggestion, in cents as shown; none when it has no price (never 0). A given 0 is a price of 0.
    if (!p.isUndefined())
        f.price = p.toDouble();
    else if (const auto suggested = s.price.figure())
        f.price = std::round(*suggested * 100) / 100;
    if (f.price && (!std::isfinite(*f.price) || *f.price < 0 || *f.price > kMaxPrice))
        return invalid(QStringLiteral("price must be a number from 0 to 1e9"));
    return f;
}

} // namespace listinglens
